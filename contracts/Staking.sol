// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {FixedPointMathLib} from "solady/utils/FixedPointMathLib.sol";

/// @title Staking — the public openledger-staking contract's interface, events and event order
///        (latest public version, 2025-07), written here from that interface.
/// @notice Stakes are held by a bank account (which approves this contract). Every token movement
///         happens BEFORE the event that reports it: stake -> Transfer, Staked; topUpStake ->
///         Transfer, ToppedUp; unstake -> the bank's payout Transfer, Unstaked. On unstake the bank
///         pays principal plus continuously compounded interest: amount * exp(t/365d * rate), t capped
///         at stakeDuration. A stake may also be created by a manager-signed commitment:
///         commitStake(signature) emits CommitStake and no Staked; requestUnstakeWithCommitment
///         opens it (amount, config and start time come from the call) and requests the unstake.
///         A config update stores the config as given, so it may replace the bank.
///         Access control uses OpenZeppelin roles instead of Solady's OwnableRoles; `configs` returns
///         the struct (the same selector and encoding as the public getter's flat outputs).
contract Staking is AccessControl, EIP712 {
    using SafeERC20 for IERC20;
    using FixedPointMathLib for uint256;

    struct Stake {
        address recipient;
        uint256 configId;
        uint256 updatedAt;
        uint256 amount; // principal plus interest accrued up to updatedAt
        uint256 startTime;
        uint256 principal; // what was staked and topped up
    }

    struct StakeConfig {
        address bank; // holds staked tokens and pays interest
        address manager; // signs commitments
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
    bytes32 private constant STAKE_TYPEHASH =
        keccak256("Stake(address recipient,uint256 configId,uint256 amount,uint256 startTime,uint256 nonce)");

    mapping(uint256 => Stake) public stakes;
    mapping(uint256 => bytes) public stakeCommitments;
    uint256 public nextStakeId;
    mapping(uint256 => UnstakeRequest) public unstakeRequests;
    mapping(uint256 => StakeConfig) internal _configs;
    mapping(uint256 => mapping(address => uint256)) public stakedAmounts;
    mapping(bytes32 => bool) public replayGuard;

    event Staked(uint256 indexed stakingId, address indexed recipient, uint256 indexed amount);
    event ToppedUp(uint256 indexed stakingId, address indexed recipient, uint256 amount);
    event Unstaked(uint256 indexed stakingId, address indexed recipient);
    event RequestUnstake(uint256 indexed stakingId, address indexed recipient);
    event ConfigSet(uint256 indexed configId);
    event ConfigCreated(uint256 indexed configId);
    event CommitStake(uint256 indexed stakingId, bytes commitment);

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
    error InvalidCommitment();
    error SignatureReplayed();
    error Unauthorized();
    error InvalidConfig();

    constructor(address governance) EIP712("Staking", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function configs(uint256 configId) external view returns (StakeConfig memory) {
        return _configs[configId];
    }

    /// @notice Creates a config (the caller becomes its bank) or, called by its bank, replaces it
    ///         as given, the bank included.
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
        if (existing.bank != msg.sender) revert Unauthorized();
        if (config.bank == address(0)) revert InvalidConfig(); // a config without a bank would be creatable again
        _configs[configId] = config;
        emit ConfigSet(configId);
    }

    function stake(uint256 configId, address onBehalfOf, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        StakeConfig memory config = _configs[configId];
        if (!config.isActive || !config.isPublic || onBehalfOf == address(0)) revert InactiveConfigOrInvalidSender();
        uint256 newStaked = stakedAmounts[configId][onBehalfOf] + amount;
        if (newStaked < config.minStake) revert StakeAmountTooSmall();
        if (newStaked > config.maxStake) revert StakeAmountExceeded();

        IERC20(config.token).safeTransferFrom(msg.sender, config.bank, amount);
        uint256 stakingId = nextStakeId++;
        stakes[stakingId] = Stake({
            recipient: onBehalfOf,
            configId: configId,
            updatedAt: block.timestamp,
            amount: amount,
            startTime: block.timestamp,
            principal: amount
        });
        stakedAmounts[configId][onBehalfOf] = newStaked;
        emit Staked(stakingId, onBehalfOf, amount);
    }

    /// @notice Records a manager-signed commitment as a new stake id; no tokens move and no Staked.
    function commitStake(bytes calldata permit) external {
        if (permit.length == 0) revert InvalidCommitment();
        bytes32 digest = keccak256(permit);
        if (replayGuard[digest]) revert SignatureReplayed();
        replayGuard[digest] = true;
        uint256 stakingId = nextStakeId++;
        stakeCommitments[stakingId] = permit;
        emit CommitStake(stakingId, permit);
    }

    /// @notice Adds to a running stake: interest so far is compounded into the amount and the
    ///         stake restarts; the principal grows by the top-up only.
    function topUpStake(uint256 stakingId, uint256 topupAmount) external {
        if (topupAmount == 0) revert ZeroAmount();
        Stake memory s = stakes[stakingId];
        StakeConfig memory config = _configs[s.configId];
        if (s.amount == 0 || s.recipient != msg.sender || !config.isTopupEnabled) {
            revert InactiveConfigOrInvalidSender();
        }
        if (config.stakeDuration != 0 && s.startTime + config.stakeDuration <= block.timestamp) revert StakeEnded();
        uint256 newStaked = stakedAmounts[s.configId][s.recipient] + topupAmount;
        if (newStaked > config.maxStake) revert StakeAmountExceeded();

        IERC20(config.token).safeTransferFrom(msg.sender, config.bank, topupAmount);
        s.amount = topupAmount + calculateAmount(s);
        s.principal += topupAmount;
        s.startTime = block.timestamp;
        s.updatedAt = block.timestamp;
        stakes[stakingId] = s;
        stakedAmounts[s.configId][s.recipient] = newStaked;
        emit ToppedUp(stakingId, s.recipient, topupAmount);
    }

    /// @notice Opens the caller's commitment (the manager signed recipient, config, amount, start
    ///         time and nonce) and requests its unstake.
    function requestUnstakeWithCommitment(uint256 stakingId, uint256 configId, uint256 startTime, uint256 nonce, uint256 amount) external {
        bytes memory commitment = stakeCommitments[stakingId];
        if (commitment.length == 0) revert StakeNotFound();
        if (amount == 0) revert ZeroAmount();
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(STAKE_TYPEHASH, msg.sender, configId, amount, startTime, nonce)));
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, commitment);
        if (err != ECDSA.RecoverError.NoError || signer == address(0) || signer != _configs[configId].manager) revert Unauthorized();
        if (startTime > block.timestamp) revert InvalidCommitment();

        delete stakeCommitments[stakingId];
        stakes[stakingId] = Stake({
            recipient: msg.sender,
            configId: configId,
            updatedAt: startTime,
            amount: amount,
            startTime: startTime,
            principal: amount
        });
        stakedAmounts[configId][msg.sender] += amount;
        requestUnstake(stakingId);
    }

    /// @notice Freezes the stake's interest; pays at once without a cooldown, else records a request.
    function requestUnstake(uint256 stakingId) public {
        Stake memory s = stakes[stakingId];
        if (s.amount == 0) revert StakeNotFound();
        if (s.recipient != msg.sender) revert MismatchedRecipient();
        s = accrued(s);
        delete stakes[stakingId];
        StakeConfig memory config = _configs[s.configId];
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

    /// @dev One transfer from the bank (the config's bank now, after any update) of principal plus
    ///      interest, then Unstaked; the indexer derives interest as that transfer minus the principal.
    function _pay(uint256 stakingId, Stake memory s, StakeConfig memory config) internal {
        if (s.startTime + config.stakeDuration > block.timestamp) revert StakeNotEnded();
        stakedAmounts[s.configId][s.recipient] -= s.principal;
        IERC20(config.token).safeTransferFrom(config.bank, s.recipient, s.amount);
        emit Unstaked(stakingId, s.recipient);
    }

    /// @notice The stake with its interest accrued to now (the public contract spells it `accured`).
    function accured(Stake memory s) external view returns (Stake memory) {
        return accrued(s);
    }

    function accrued(Stake memory s) internal view returns (Stake memory) {
        s.amount = calculateAmount(s);
        s.updatedAt = block.timestamp;
        return s;
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
