// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ModelRegistry} from "./ModelRegistry.sol";
import {FeePolicy} from "./FeePolicy.sol";

/// @title InferenceSettlement — registered inference operators settle batches of receipts.
/// @notice Payers pre-fund an escrow here. An operator settles its receipts in order: request ids
///         are (operatorId << 64 | sequence), and a batch must start at the operator's next
///         sequence number, so a request id can never be settled twice and no storage slot is
///         spent per request. Each receipt's fee must equal units * the model's current price
///         (or, within the registry's grace period after a price change, units * the previous
///         price); it is split by the FeePolicy version in force: creator and contributors' pool accrue per
///         model, infrastructure accrues to the serving operator, the treasury share is
///         transferred and the burn share burned once per batch.
///
///         Receipt packing (one bytes32 per receipt, low bits first):
///         fee: bits 0..95 | units: 96..127 | payer index: 128..143 | model index: 144..159.
///         The indexes point into the batch's strictly increasing payerIds / modelIds lists.
///
///         Measured serving cost: cpuMicros[i] and adapterByteSeconds[i] are the operator's own
///         measurement (CPU microseconds, adapter bytes resident × seconds) of serving the batch's
///         receipts for modelIds[i]; one ServingCostCommitted per model of the batch.
///
///         Payer consent: no debit without the payer's EIP-712 ChargeAuthorization (docs/VERIFY.md,
///         "Payer-signed charges"): a cumulative cap of what this operator may ever have charged the
///         payer, a recent block the payer saw and a last block it may be used in. A batch carries
///         the latest authorisation of each of its payers, three words each, in payerIds order:
///         [cumulativeAmount bits 0..127 | recentBlock 128..191 | expiryBlock 192..255], r, vs
///         (EIP-2098 compact signature). One ecrecover per payer per batch; charged[payer][operator]
///         is the running total the cap is checked against. A receipt at the grace (previous) price
///         is accepted only when its payer's authorisation was signed before the price change.
contract InferenceSettlement is AccessControl, EIP712 {
    using SafeCast for uint256;

    bytes32 public constant POOL_ROLE = keccak256("POOL_ROLE");
    bytes32 public constant CHARGE_AUTHORIZATION_TYPEHASH = keccak256(
        "ChargeAuthorization(address payer,address operator,uint256 cumulativeAmount,uint64 recentBlock,uint64 expiryBlock)"
    );
    uint256 public constant MAX_BATCH = 1000;

    struct PayerAccount {
        address payer;
        uint96 balance;
    }

    struct PendingWithdrawal {
        uint96 amount;
        uint64 availableAt;
    }

    struct Operator {
        address account;
        bool active;
        uint64 nextSeq;
    }

    struct ModelAccrual {
        uint128 creatorAccrued;
        uint128 contributorsPool;
    }

    ERC20Burnable public immutable token;
    ModelRegistry public immutable models;
    FeePolicy public immutable policy;
    address public treasury;
    uint64 public withdrawDelay;

    uint32 public payerCount;
    mapping(uint32 => PayerAccount) public payers;
    mapping(address => uint32) public payerIdOf;
    mapping(uint32 => PendingWithdrawal) public pendingWithdrawals;

    uint32 public operatorCount;
    mapping(uint32 => Operator) public operators;
    mapping(address => uint32) public operatorIdOf;
    mapping(uint32 => uint256) public operatorEarnings;

    mapping(uint256 => ModelAccrual) public accruals;

    /// @notice What an operator has charged a payer in total, ever: the figure each authorisation caps.
    mapping(uint32 payerId => mapping(uint32 operatorId => uint256)) public charged;

    event EscrowDeposited(uint32 indexed payerId, address indexed payer, address indexed from, uint256 amount);
    event WithdrawalRequested(uint32 indexed payerId, address indexed payer, uint256 amount, uint64 availableAt);
    event EscrowWithdrawn(uint32 indexed payerId, address indexed payer, uint256 amount);
    event OperatorRegistered(uint32 indexed operatorId, address indexed account);
    event OperatorRemoved(uint32 indexed operatorId, address indexed account);
    event InferenceSettled(
        uint256 requestId,
        uint256 indexed modelId,
        address indexed payer,
        uint256 units,
        uint256 fee,
        uint256 creatorShare,
        uint256 contributorsShare,
        uint256 infraShare,
        uint256 treasuryShare,
        uint256 burnShare
    );
    event BatchSettled(
        uint32 indexed operatorId,
        uint64 firstSeq,
        uint32 count,
        uint32 policyVersion,
        uint256 totalFees,
        bytes32 usageLogHead
    );
    /// @notice The serving cost the operator measured for one model's receipts in a batch.
    event ServingCostCommitted(
        uint32 indexed operatorId,
        uint64 firstSeq,
        uint256 indexed modelId,
        uint256 cpuMicros,
        uint256 adapterByteSeconds,
        uint32 inferences
    );
    event CreatorPaid(uint256 indexed modelId, address indexed creator, uint256 amount);
    event OperatorPaid(uint32 indexed operatorId, address indexed account, uint256 amount);
    event PoolReleased(uint256 indexed modelId, address indexed to, uint256 amount);
    event TreasuryChanged(address indexed oldTreasury, address indexed newTreasury);
    event WithdrawDelayChanged(uint64 oldDelay, uint64 newDelay);

    error ZeroAddress();
    error ZeroAmount();
    error AmountTooLarge(uint256 amount);
    error UnknownPayer(address payer);
    error UnknownPayerId(uint32 payerId);
    error UnknownOperator(address account);
    error OperatorExists(address account);
    error EmptyBatch();
    error BatchTooLarge(uint256 count, uint256 max);
    error SequenceMismatch(uint64 expected, uint64 got);
    error ListNotStrictlyIncreasing(uint256 index);
    error BadReceipt(uint256 index);
    error FeeMismatch(uint256 index, uint256 expected, uint256 got);
    error InsufficientEscrow(uint32 payerId, uint256 needed, uint256 available);
    error NoPendingWithdrawal(address payer);
    error WithdrawalNotReady(uint64 availableAt);
    error NothingToClaim();
    error CostLengthMismatch(uint256 models, uint256 cpuMicros, uint256 adapterByteSeconds);
    error AuthorizationCountMismatch(uint256 payers, uint256 words);
    error UnauthorizedCharge(uint32 payerId, address signer);
    error AuthorizationExpired(uint32 payerId, uint64 expiryBlock);
    error ChargeExceedsAuthorization(uint32 payerId, uint256 cumulativeCharged, uint256 authorized);
    error GracePriceNotAuthorized(uint256 index, uint64 authorizationBlock, uint256 priceChangedAtBlock);

    constructor(
        ERC20Burnable token_,
        ModelRegistry models_,
        FeePolicy policy_,
        address treasury_,
        address governance,
        uint64 withdrawDelay_
    ) EIP712("Upkeep InferenceSettlement", "1") {
        if (address(token_) == address(0) || treasury_ == address(0) || governance == address(0)) revert ZeroAddress();
        token = token_;
        models = models_;
        policy = policy_;
        treasury = treasury_;
        withdrawDelay = withdrawDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    // ---------------------------------------------------------------- escrow

    function deposit(uint256 amount) external returns (uint32) {
        return _deposit(msg.sender, amount);
    }

    /// @notice Funds someone else's escrow (a sponsor, or an agent's operator).
    function depositFor(address payer, uint256 amount) external returns (uint32) {
        if (payer == address(0)) revert ZeroAddress();
        return _deposit(payer, amount);
    }

    function _deposit(address payer, uint256 amount) internal returns (uint32 payerId) {
        if (amount == 0) revert ZeroAmount();
        payerId = payerIdOf[payer];
        if (payerId == 0) {
            payerId = ++payerCount;
            payerIdOf[payer] = payerId;
            payers[payerId].payer = payer;
        }
        PayerAccount storage acct = payers[payerId];
        uint256 newBalance = uint256(acct.balance) + amount;
        if (newBalance > type(uint96).max) revert AmountTooLarge(amount);
        acct.balance = uint96(newBalance);
        emit EscrowDeposited(payerId, payer, msg.sender, amount);
        token.transferFrom(msg.sender, address(this), amount);
    }

    /// @notice Withdrawals wait `withdrawDelay` so that receipts already served can still settle.
    function requestWithdrawal(uint256 amount) external {
        uint32 payerId = payerIdOf[msg.sender];
        if (payerId == 0) revert UnknownPayer(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 bal = payers[payerId].balance;
        if (amount > bal) revert InsufficientEscrow(payerId, amount, bal);
        uint64 availableAt = uint64(block.timestamp) + withdrawDelay;
        pendingWithdrawals[payerId] = PendingWithdrawal(uint96(amount), availableAt);
        emit WithdrawalRequested(payerId, msg.sender, amount, availableAt);
    }

    function withdraw() external returns (uint256 amount) {
        uint32 payerId = payerIdOf[msg.sender];
        if (payerId == 0) revert UnknownPayer(msg.sender);
        PendingWithdrawal memory w = pendingWithdrawals[payerId];
        if (w.amount == 0) revert NoPendingWithdrawal(msg.sender);
        if (block.timestamp < w.availableAt) revert WithdrawalNotReady(w.availableAt);
        delete pendingWithdrawals[payerId];
        PayerAccount storage acct = payers[payerId];
        amount = w.amount < acct.balance ? w.amount : acct.balance; // settlements may have spent some
        if (amount == 0) revert NothingToClaim();
        acct.balance -= uint96(amount);
        emit EscrowWithdrawn(payerId, msg.sender, amount);
        token.transfer(msg.sender, amount);
    }

    function balanceOfPayer(address payer) external view returns (uint256) {
        return payers[payerIdOf[payer]].balance;
    }

    // ------------------------------------------------------------- operators

    function registerOperator(address account) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint32 operatorId) {
        if (account == address(0)) revert ZeroAddress();
        if (operatorIdOf[account] != 0) revert OperatorExists(account);
        operatorId = ++operatorCount;
        operatorIdOf[account] = operatorId;
        operators[operatorId] = Operator(account, true, 0);
        emit OperatorRegistered(operatorId, account);
    }

    function removeOperator(uint32 operatorId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Operator storage op = operators[operatorId];
        if (!op.active) revert UnknownOperator(op.account);
        op.active = false;
        emit OperatorRemoved(operatorId, op.account);
    }

    function nextSequence(address account) external view returns (uint64) {
        return operators[operatorIdOf[account]].nextSeq;
    }

    // ------------------------------------------------------------ settlement

    struct BatchTotals {
        uint256 fees;
        uint256 infra;
        uint256 treasury;
        uint256 burn;
    }

    function settleBatch(
        uint64 firstSeq,
        bytes32 usageLogHead,
        uint256[] calldata modelIds,
        uint32[] calldata payerIds,
        bytes32[] calldata receipts,
        uint256[] calldata cpuMicros,
        uint256[] calldata adapterByteSeconds,
        bytes32[] calldata authorizations
    ) external {
        uint32 operatorId = operatorIdOf[msg.sender];
        Operator storage op = operators[operatorId];
        if (operatorId == 0 || !op.active) revert UnknownOperator(msg.sender);
        uint256 n = receipts.length;
        if (n == 0) revert EmptyBatch();
        if (n > MAX_BATCH) revert BatchTooLarge(n, MAX_BATCH);
        if (firstSeq != op.nextSeq) revert SequenceMismatch(op.nextSeq, firstSeq);
        _checkIncreasing(modelIds);
        if (cpuMicros.length != modelIds.length || adapterByteSeconds.length != modelIds.length) {
            revert CostLengthMismatch(modelIds.length, cpuMicros.length, adapterByteSeconds.length);
        }
        for (uint256 i = 1; i < payerIds.length; i++) {
            if (payerIds[i] <= payerIds[i - 1]) revert ListNotStrictlyIncreasing(i);
        }

        if (authorizations.length != payerIds.length * 3) revert AuthorizationCountMismatch(payerIds.length, authorizations.length);

        uint256[] memory prices = models.livePrices(modelIds);
        FeePolicy.Split memory split = policy.current();
        address[] memory payerAddr = new address[](payerIds.length);
        uint256[] memory cap = new uint256[](payerIds.length);
        uint256[] memory authBlock = new uint256[](payerIds.length);
        for (uint256 i = 0; i < payerIds.length; i++) {
            payerAddr[i] = payers[payerIds[i]].payer;
            if (payerAddr[i] == address(0)) revert UnknownPayerId(payerIds[i]);
            (cap[i], authBlock[i]) = _checkAuthorization(payerIds[i], payerAddr[i], authorizations[3 * i:3 * i + 3]);
        }

        uint256[] memory creatorAcc = new uint256[](modelIds.length);
        uint256[] memory poolAcc = new uint256[](modelIds.length);
        uint256[] memory debit = new uint256[](payerIds.length);
        uint256[] memory served = new uint256[](modelIds.length);
        BatchTotals memory t;
        uint256 requestBase = (uint256(operatorId) << 64) | firstSeq;

        for (uint256 i = 0; i < n; i++) {
            uint256 r = uint256(receipts[i]);
            uint256 fee = r & type(uint96).max;
            uint256 units = (r >> 96) & type(uint32).max;
            uint256 payerIdx = (r >> 128) & type(uint16).max;
            uint256 modelIdx = (r >> 144) & type(uint16).max;
            if (r >> 160 != 0 || units == 0 || payerIdx >= payerIds.length || modelIdx >= modelIds.length) {
                revert BadReceipt(i);
            }
            uint256 expected = units * prices[modelIdx];
            if (fee != expected) {
                // served before a price change: the previous price holds during the grace period
                (uint256 gp, uint256 changedAt) = models.graceTerms(modelIds[modelIdx]);
                uint256 previous = units * gp;
                if (fee != previous || previous == 0) revert FeeMismatch(i, expected, fee);
                // ... but only to a payer who consented before the change (no backdating)
                if (authBlock[payerIdx] >= changedAt) revert GracePriceNotAuthorized(i, uint64(authBlock[payerIdx]), changedAt);
            }

            uint256 creator = (fee * split.creatorBps) / 10_000;
            uint256 contributors = (fee * split.contributorsBps) / 10_000;
            uint256 infra = (fee * split.infraBps) / 10_000;
            uint256 burn = (fee * split.burnBps) / 10_000;
            uint256 toTreasury = fee - creator - contributors - infra - burn; // remainder rule
            emit InferenceSettled(
                requestBase + i, modelIds[modelIdx], payerAddr[payerIdx], units, fee, creator, contributors, infra, toTreasury, burn
            );
            creatorAcc[modelIdx] += creator;
            poolAcc[modelIdx] += contributors;
            debit[payerIdx] += fee;
            served[modelIdx] += 1;
            t.fees += fee;
            t.infra += infra;
            t.treasury += toTreasury;
            t.burn += burn;
        }

        for (uint256 i = 0; i < payerIds.length; i++) {
            PayerAccount storage acct = payers[payerIds[i]];
            uint256 bal = acct.balance;
            if (debit[i] > bal) revert InsufficientEscrow(payerIds[i], debit[i], bal);
            acct.balance = uint96(bal - debit[i]);
            uint256 total = charged[payerIds[i]][operatorId] + debit[i];
            if (total > cap[i]) revert ChargeExceedsAuthorization(payerIds[i], total, cap[i]);
            charged[payerIds[i]][operatorId] = total;
        }
        for (uint256 i = 0; i < modelIds.length; i++) {
            if (creatorAcc[i] == 0 && poolAcc[i] == 0) continue;
            ModelAccrual storage a = accruals[modelIds[i]];
            a.creatorAccrued = (uint256(a.creatorAccrued) + creatorAcc[i]).toUint128();
            a.contributorsPool = (uint256(a.contributorsPool) + poolAcc[i]).toUint128();
        }
        operatorEarnings[operatorId] += t.infra;
        op.nextSeq = firstSeq + uint64(n);
        emit BatchSettled(operatorId, firstSeq, uint32(n), split.version, t.fees, usageLogHead);
        for (uint256 i = 0; i < modelIds.length; i++) {
            emit ServingCostCommitted(operatorId, firstSeq, modelIds[i], cpuMicros[i], adapterByteSeconds[i], uint32(served[i]));
        }
        if (t.treasury > 0) token.transfer(treasury, t.treasury);
        if (t.burn > 0) token.burn(t.burn);
    }

    /// @dev Recovers the signer of the payer's authorisation (one ecrecover) and returns its cap and block.
    function _checkAuthorization(uint32 payerId, address payer, bytes32[] calldata auth)
        internal
        view
        returns (uint256 cumulative, uint256 recentBlock)
    {
        uint256 w = uint256(auth[0]);
        cumulative = uint128(w);
        recentBlock = uint64(w >> 128);
        uint64 expiryBlock = uint64(w >> 192);
        if (block.number > expiryBlock) revert AuthorizationExpired(payerId, expiryBlock);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(CHARGE_AUTHORIZATION_TYPEHASH, payer, msg.sender, cumulative, recentBlock, expiryBlock))
        );
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, auth[1], auth[2]);
        if (err != ECDSA.RecoverError.NoError || signer != payer) revert UnauthorizedCharge(payerId, signer);
    }

    function _checkIncreasing(uint256[] calldata ids) internal pure {
        for (uint256 i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) revert ListNotStrictlyIncreasing(i);
        }
    }

    // ---------------------------------------------------------------- claims

    /// @notice Pays a model's accrued creator share to the model's owner; anyone may trigger it.
    function claimCreator(uint256 modelId) external returns (uint256 amount) {
        ModelAccrual storage a = accruals[modelId];
        amount = a.creatorAccrued;
        if (amount == 0) revert NothingToClaim();
        a.creatorAccrued = 0;
        address creator = models.ownerOf(modelId);
        emit CreatorPaid(modelId, creator, amount);
        token.transfer(creator, amount);
    }

    function claimOperator(uint32 operatorId) external returns (uint256 amount) {
        amount = operatorEarnings[operatorId];
        if (amount == 0) revert NothingToClaim();
        operatorEarnings[operatorId] = 0;
        address account = operators[operatorId].account;
        emit OperatorPaid(operatorId, account, amount);
        token.transfer(account, amount);
    }

    /// @notice Hands a model's contributors' pool to the attribution settlement for payout.
    function releasePool(uint256 modelId) external onlyRole(POOL_ROLE) returns (uint256 amount) {
        ModelAccrual storage a = accruals[modelId];
        amount = a.contributorsPool;
        if (amount == 0) revert NothingToClaim();
        a.contributorsPool = 0;
        emit PoolReleased(modelId, msg.sender, amount);
        token.transfer(msg.sender, amount);
    }

    // ------------------------------------------------------------ governance

    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasuryChanged(treasury, newTreasury);
        treasury = newTreasury;
    }

    function setWithdrawDelay(uint64 newDelay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit WithdrawDelayChanged(withdrawDelay, newDelay);
        withdrawDelay = newDelay;
    }
}
