// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title RewardsDistributor — incentive payments (emissions) from the community and ecosystem buckets.
/// @notice Every payment names the recipient's role, so analysts can separate emissions paid to
///         creators, contributors, stakers and operators from fee income. Moving tokens between
///         protocol accounts (e.g. funding the staking bank) is a BucketTransfer, not an incentive.
contract RewardsDistributor is AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant DISTRIBUTOR_ROLE = keccak256("DISTRIBUTOR_ROLE");

    uint8 public constant BUCKET_COMMUNITY = 0;
    uint8 public constant BUCKET_ECOSYSTEM = 1;

    uint8 public constant ROLE_CREATOR = 0;
    uint8 public constant ROLE_CONTRIBUTOR = 1;
    uint8 public constant ROLE_STAKER = 2;
    uint8 public constant ROLE_OPERATOR = 3;
    uint8 public constant ROLE_OTHER = 4;

    IERC20 public immutable token;
    mapping(uint8 => uint256) public bucketBalance;

    event IncentivePaid(address indexed recipient, uint8 indexed role, uint8 indexed bucket, uint256 amount, bytes32 reason);
    event BucketTransfer(uint8 indexed bucket, address indexed to, uint256 amount, bytes32 purpose);

    error ZeroAddress();
    error ZeroAmount();
    error UnknownBucket(uint8 bucket);
    error UnknownRole(uint8 role);
    error InsufficientBucket(uint8 bucket, uint256 requested, uint256 available);
    error LengthMismatch();

    constructor(IERC20 token_, address governance, uint256 communityAllocation, uint256 ecosystemAllocation) {
        if (address(token_) == address(0) || governance == address(0)) revert ZeroAddress();
        token = token_;
        bucketBalance[BUCKET_COMMUNITY] = communityAllocation;
        bucketBalance[BUCKET_ECOSYSTEM] = ecosystemAllocation;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function pay(address recipient, uint8 role, uint8 bucket, uint256 amount, bytes32 reason)
        external
        onlyRole(DISTRIBUTOR_ROLE)
    {
        _pay(recipient, role, bucket, amount, reason);
    }

    function payMany(address[] calldata recipients, uint8[] calldata roles, uint256[] calldata amounts, uint8 bucket, bytes32 reason)
        external
        onlyRole(DISTRIBUTOR_ROLE)
    {
        if (recipients.length != roles.length || recipients.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < recipients.length; i++) {
            _pay(recipients[i], roles[i], bucket, amounts[i], reason);
        }
    }

    /// @notice Moves bucket tokens to another protocol account (not an incentive payment).
    function transferOut(uint8 bucket, address to, uint256 amount, bytes32 purpose) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert ZeroAddress();
        _debit(bucket, amount);
        emit BucketTransfer(bucket, to, amount, purpose);
        token.safeTransfer(to, amount);
    }

    function _pay(address recipient, uint8 role, uint8 bucket, uint256 amount, bytes32 reason) internal {
        if (recipient == address(0)) revert ZeroAddress();
        if (role > ROLE_OTHER) revert UnknownRole(role);
        _debit(bucket, amount);
        emit IncentivePaid(recipient, role, bucket, amount, reason);
        token.safeTransfer(recipient, amount);
    }

    function _debit(uint8 bucket, uint256 amount) internal {
        if (bucket > BUCKET_ECOSYSTEM) revert UnknownBucket(bucket);
        if (amount == 0) revert ZeroAmount();
        uint256 available = bucketBalance[bucket];
        if (amount > available) revert InsufficientBucket(bucket, amount, available);
        bucketBalance[bucket] = available - amount;
    }
}
