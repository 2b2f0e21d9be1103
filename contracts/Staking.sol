// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";

/// @title Staking — mirrors the public openledger-staking contract's events and interest math.
/// @notice Stakes are held by a bank account (which approves this contract); on unstake the bank
///         pays principal plus continuously compounded interest: amount * exp(t/365d * rate),
///         t capped at stakeDuration. Event signatures (and their indexed-ness) are those of the
///         public ABI; access control uses OpenZeppelin roles instead of Solady's OwnableRoles.
contract Staking is AccessControl {
    using SafeERC20 for IERC20;
    using FixedPointMathLib for uint256;

    struct Stake {
        address recipient;
        uint256 configId;
        uint256 updatedAt;
        uint256 amount;
        uint256 startTime;
    }

    struct StakeConfig {
        address bank; // holds staked tokens and pays interest
        address manager;
        address token;
        uint256 interestRate; // WAD per year, e.g. 0.1e18 = 10%/year continuously compounded
        uint256 stakeDuration; // seconds; interest stops accruing after it
        uint256 cooldownDuration; // seconds between requestUnstake and unstake
        uint256 maxStake; // per recipient per config, inclusive
        uint256 minStake; // per recipient per config, inclusive
        bool isActive;
        bool isTopupEnabled;
        bool isPublic;
    }

    struct UnstakeRequest {
        uint256 requestAt;
        Stake stake;
    }

    bytes32 public constant TRUSTED_BANK = keccak256("TRUSTED_BANK");

    mapping(uint256 => Stake) public stakes;
    uint256 public nextStakeId;
    mapping(uint256 => UnstakeRequest) public unstakeRequests;
    mapping(uint256 => StakeConfig) internal _configs;
    mapping(uint256 => mapping(address => uint256)) public stakedAmounts;

    event Staked(uint256 indexed stakingId, address indexed recipient, uint256 indexed amount);
    event ToppedUp(uint256 indexed stakingId, address indexed recipient, uint256 amount);
    event Unstaked(uint256 indexed stakingId, address indexed recipient);
    event RequestUnstake(uint256 indexed stakingId, address indexed recipient);
    event ConfigSet(uint256 indexed configId);
    event ConfigCreated(uint256 indexed configId);

    error InactiveConfigOrInvalidSender();
    error StakeNotFound();
    error UnstakeRequestNotFound();
    error CooldownNotPassed();
    error ZeroAmount();
    error StakeNotEnded();
    error StakeEnded();
    error StakeAmountExceeded();
    error StakeAmountTooSmall();
    error MismatchedRecipient();
    error NotConfigBank();
    error InvalidConfig();

    constructor(address governance) {
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function configs(uint256 configId) external view returns (StakeConfig memory) {
        return _configs[configId];
    }

    /// @notice Creates a config (caller becomes its bank) or updates one the caller banks.
    function setConfig(uint256 configId, StakeConfig calldata config) external onlyRole(TRUSTED_BANK) {
        if (config.token == address(0) || config.minStake > config.maxStake) revert InvalidConfig();
        StakeConfig storage existing = _configs[configId];
        if (existing.bank == address(0)) {
            StakeConfig memory created = config;
            created.bank = msg.sender;
            _configs[configId] = created;
            emit ConfigCreated(configId);
            return;
        }
        if (existing.bank != msg.sender) revert NotConfigBank();
        StakeConfig memory updated = config;
        updated.bank = msg.sender; // the bank of a config never changes
        _configs[configId] = updated;
        emit ConfigSet(configId);
    }

    function stake(uint256 configId, address onBehalfOf, uint256 amount) external returns (uint256 stakingId) {
        if (amount == 0) revert ZeroAmount();
        StakeConfig memory config = _configs[configId];
        if (!config.isActive || !config.isPublic || onBehalfOf == address(0)) revert InactiveConfigOrInvalidSender();
        uint256 newStaked = stakedAmounts[configId][onBehalfOf] + amount;
        if (newStaked < config.minStake) revert StakeAmountTooSmall();
        if (newStaked > config.maxStake) revert StakeAmountExceeded();

        stakingId = nextStakeId++;
        stakes[stakingId] = Stake({
            recipient: onBehalfOf,
            configId: configId,
            updatedAt: block.timestamp,
            amount: amount,
            startTime: block.timestamp
        });
        stakedAmounts[configId][onBehalfOf] = newStaked;
        emit Staked(stakingId, onBehalfOf, amount);
        IERC20(config.token).safeTransferFrom(msg.sender, config.bank, amount);
    }

    /// @notice Adds to a running stake: interest so far is compounded into the principal and the
    ///         stake restarts (as in the public contract).
    function topUpStake(uint256 stakingId, uint256 topupAmount) external {
        if (topupAmount == 0) revert ZeroAmount();
        Stake memory s = stakes[stakingId];
        StakeConfig memory config = _configs[s.configId];
        if (s.amount == 0 || s.recipient != msg.sender || !config.isTopupEnabled) {
            revert InactiveConfigOrInvalidSender();
        }
        if (s.startTime + config.stakeDuration <= block.timestamp) revert StakeEnded();

        uint256 accrued = calculateAmount(s);
        uint256 newAmount = topupAmount + accrued;
        uint256 newStaked = stakedAmounts[s.configId][s.recipient] - s.amount + newAmount;
        if (newStaked > config.maxStake) revert StakeAmountExceeded();
        stakedAmounts[s.configId][s.recipient] = newStaked;
        s.amount = newAmount;
        s.startTime = block.timestamp;
        s.updatedAt = block.timestamp;
        stakes[stakingId] = s;
        emit ToppedUp(stakingId, s.recipient, topupAmount);
        IERC20(config.token).safeTransferFrom(msg.sender, config.bank, topupAmount);
    }

    function requestUnstake(uint256 stakingId) external {
        Stake memory s = stakes[stakingId];
        if (s.amount == 0) revert StakeNotFound();
        if (s.recipient != msg.sender) revert MismatchedRecipient();
        StakeConfig memory config = _configs[s.configId];

        uint256 principal = s.amount;
        s.amount = calculateAmount(s);
        s.updatedAt = block.timestamp;
        delete stakes[stakingId];
        stakedAmounts[s.configId][s.recipient] -= principal;

        if (config.cooldownDuration == 0) {
            _pay(stakingId, s, config);
        } else {
            unstakeRequests[stakingId] = UnstakeRequest({requestAt: block.timestamp, stake: s});
            emit RequestUnstake(stakingId, s.recipient);
        }
    }

    function unstake(uint256 stakingId) external {
        UnstakeRequest memory r = unstakeRequests[stakingId];
        if (r.requestAt == 0) revert UnstakeRequestNotFound();
        if (r.stake.recipient != msg.sender) revert MismatchedRecipient();
        StakeConfig memory config = _configs[r.stake.configId];
        if (block.timestamp < r.requestAt + config.cooldownDuration) revert CooldownNotPassed();
        delete unstakeRequests[stakingId];
        _pay(stakingId, r.stake, config);
    }

    /// @dev One transfer from the bank of principal plus interest; the indexer derives interest as
    ///      that transfer minus the principal staked and topped up.
    function _pay(uint256 stakingId, Stake memory s, StakeConfig memory config) internal {
        if (s.startTime + config.stakeDuration > block.timestamp) revert StakeNotEnded();
        emit Unstaked(stakingId, s.recipient);
        IERC20(config.token).safeTransferFrom(config.bank, s.recipient, s.amount);
    }

    /// @notice amount * exp(min(elapsed, stakeDuration)/365d * rate), all WAD fixed point (Solady).
    function calculateAmount(Stake memory s) public view returns (uint256) {
        StakeConfig memory config = _configs[s.configId];
        uint256 elapsed = block.timestamp - s.updatedAt;
        uint256 bound = config.stakeDuration == 0 ? type(uint256).max : config.stakeDuration;
        if (elapsed > bound) elapsed = bound;
        uint256 years_ = elapsed.divWad(365 days);
        uint256 growth = uint256(FixedPointMathLib.expWad(int256(years_.mulWad(config.interestRate))));
        return s.amount.mulWad(growth);
    }
}
