// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {InferenceSettlement} from "./InferenceSettlement.sol";

/// @title AgentRegistry — AI agents stake OPEN to operate with an inference operator.
/// @notice An agent registers under an active operator with at least `minStake`, may top up,
///         requests exit and withdraws after `exitCooldown`. A slasher may slash part of the stake
///         (also during the exit cooldown) with a reason code; slashed OPEN is split between the
///         treasury and a burn by the governed `slashBurnBps` (burn = floor(amount * bps / 10_000),
///         treasury gets the rest). Agents pay for inference through InferenceSettlement's escrow
///         like any payer.
contract AgentRegistry is AccessControl {
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    struct Agent {
        address account;
        uint32 operatorId;
        uint64 exitAvailableAt; // 0 = no exit requested
        uint256 stake;
    }

    ERC20Burnable public immutable token;
    InferenceSettlement public immutable settlement;
    address public treasury;
    uint256 public minStake;
    uint64 public exitCooldown;
    uint16 public slashBurnBps;

    uint256 public agentCount;
    mapping(uint256 => Agent) internal _agents; // ids start at 1
    mapping(address => uint256) public agentIdOf;

    event AgentRegistered(uint256 indexed agentId, address indexed account, uint32 indexed operatorId, uint256 stake);
    event AgentStakeIncreased(uint256 indexed agentId, address indexed account, uint256 amount, uint256 newStake);
    event AgentExitRequested(uint256 indexed agentId, address indexed account, uint64 availableAt);
    event AgentWithdrawn(uint256 indexed agentId, address indexed account, uint256 amount);
    event AgentSlashed(
        uint256 indexed agentId, address indexed account, uint8 indexed reason, uint256 amount, uint256 toTreasury, uint256 toBurn
    );
    event SlashBurnShareChanged(uint16 oldBps, uint16 newBps);
    event MinStakeChanged(uint256 oldMinStake, uint256 newMinStake);
    event ExitCooldownChanged(uint64 oldCooldown, uint64 newCooldown);

    error ZeroAddress();
    error ZeroAmount();
    error AlreadyRegistered(address account);
    error UnknownAgent(address account);
    error UnknownOperator(uint32 operatorId);
    error StakeBelowMinimum(uint256 stake, uint256 minimum);
    error ExitAlreadyRequested(uint256 agentId);
    error ExitNotRequested(uint256 agentId);
    error CooldownNotPassed(uint64 availableAt);
    error SlashExceedsStake(uint256 amount, uint256 stake);
    error InvalidBps(uint256 bps);

    constructor(
        ERC20Burnable token_,
        InferenceSettlement settlement_,
        address treasury_,
        address governance,
        uint256 minStake_,
        uint64 exitCooldown_,
        uint16 slashBurnBps_
    ) {
        if (address(token_) == address(0) || treasury_ == address(0) || governance == address(0)) revert ZeroAddress();
        if (slashBurnBps_ > 10_000) revert InvalidBps(slashBurnBps_);
        token = token_;
        settlement = settlement_;
        treasury = treasury_;
        minStake = minStake_;
        exitCooldown = exitCooldown_;
        slashBurnBps = slashBurnBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function agent(uint256 agentId) external view returns (Agent memory) {
        return _agents[agentId];
    }

    function register(uint32 operatorId, uint256 stake) external returns (uint256 agentId) {
        if (agentIdOf[msg.sender] != 0) revert AlreadyRegistered(msg.sender);
        (, bool active,) = settlement.operators(operatorId);
        if (operatorId == 0 || !active) revert UnknownOperator(operatorId);
        if (stake < minStake || stake == 0) revert StakeBelowMinimum(stake, minStake);
        agentId = ++agentCount;
        agentIdOf[msg.sender] = agentId;
        _agents[agentId] = Agent(msg.sender, operatorId, 0, stake);
        emit AgentRegistered(agentId, msg.sender, operatorId, stake);
        token.transferFrom(msg.sender, address(this), stake);
    }

    function topUp(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        (uint256 agentId, Agent storage a) = _own();
        if (a.exitAvailableAt != 0) revert ExitAlreadyRequested(agentId);
        a.stake += amount;
        emit AgentStakeIncreased(agentId, msg.sender, amount, a.stake);
        token.transferFrom(msg.sender, address(this), amount);
    }

    function requestExit() external {
        (uint256 agentId, Agent storage a) = _own();
        if (a.exitAvailableAt != 0) revert ExitAlreadyRequested(agentId);
        a.exitAvailableAt = uint64(block.timestamp) + exitCooldown;
        emit AgentExitRequested(agentId, msg.sender, a.exitAvailableAt);
    }

    function withdraw() external returns (uint256 amount) {
        (uint256 agentId, Agent storage a) = _own();
        if (a.exitAvailableAt == 0) revert ExitNotRequested(agentId);
        if (block.timestamp < a.exitAvailableAt) revert CooldownNotPassed(a.exitAvailableAt);
        amount = a.stake;
        delete _agents[agentId];
        delete agentIdOf[msg.sender];
        emit AgentWithdrawn(agentId, msg.sender, amount);
        if (amount > 0) token.transfer(msg.sender, amount);
    }

    function slash(address account, uint256 amount, uint8 reason) external onlyRole(SLASHER_ROLE) {
        uint256 agentId = agentIdOf[account];
        if (agentId == 0) revert UnknownAgent(account);
        if (amount == 0) revert ZeroAmount();
        Agent storage a = _agents[agentId];
        if (amount > a.stake) revert SlashExceedsStake(amount, a.stake);
        a.stake -= amount;
        uint256 toBurn = (amount * slashBurnBps) / 10_000;
        uint256 toTreasury = amount - toBurn;
        emit AgentSlashed(agentId, account, reason, amount, toTreasury, toBurn);
        if (toTreasury > 0) token.transfer(treasury, toTreasury);
        if (toBurn > 0) token.burn(toBurn);
    }

    function setSlashBurnBps(uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > 10_000) revert InvalidBps(bps);
        emit SlashBurnShareChanged(slashBurnBps, bps);
        slashBurnBps = bps;
    }

    function setMinStake(uint256 newMinStake) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit MinStakeChanged(minStake, newMinStake);
        minStake = newMinStake;
    }

    function setExitCooldown(uint64 newCooldown) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit ExitCooldownChanged(exitCooldown, newCooldown);
        exitCooldown = newCooldown;
    }

    function _own() internal view returns (uint256 agentId, Agent storage a) {
        agentId = agentIdOf[msg.sender];
        if (agentId == 0) revert UnknownAgent(msg.sender);
        a = _agents[agentId];
    }
}
