// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title TokenVesting — team and investor schedules: a cliff, then linear vesting.
/// @notice OpenLedger's public terms: 12-month cliff then 36 months linear. Vested at time t is
///         0 before start+cliff, then total * min(t - start - cliff, duration) / duration (floor).
///         Anyone may trigger a release; tokens always go to the schedule's beneficiary.
contract TokenVesting is AccessControl {
    using SafeERC20 for IERC20;

    uint8 public constant CATEGORY_TEAM = 0;
    uint8 public constant CATEGORY_INVESTORS = 1;

    struct Schedule {
        address beneficiary;
        uint8 category;
        uint64 start;
        uint64 cliff;
        uint64 duration;
        uint256 total;
        uint256 released;
    }

    IERC20 public immutable token;
    /// @notice Tokens per category not yet promised to a schedule.
    mapping(uint8 => uint256) public unallocated;
    Schedule[] internal _schedules;

    event ScheduleCreated(
        uint256 indexed scheduleId,
        address indexed beneficiary,
        uint8 indexed category,
        uint256 total,
        uint64 start,
        uint64 cliff,
        uint64 duration
    );
    event TokensReleased(uint256 indexed scheduleId, address indexed beneficiary, uint8 indexed category, uint256 amount);

    error ZeroAddress();
    error UnknownCategory(uint8 category);
    error InsufficientUnallocated(uint8 category, uint256 requested, uint256 available);
    error InvalidSchedule();
    error UnknownSchedule(uint256 scheduleId);
    error NothingToRelease(uint256 scheduleId);

    constructor(IERC20 token_, address governance, uint256 teamAllocation, uint256 investorAllocation) {
        if (address(token_) == address(0) || governance == address(0)) revert ZeroAddress();
        token = token_;
        unallocated[CATEGORY_TEAM] = teamAllocation;
        unallocated[CATEGORY_INVESTORS] = investorAllocation;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function createSchedule(address beneficiary, uint8 category, uint256 total, uint64 start, uint64 cliff, uint64 duration)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256 scheduleId)
    {
        if (beneficiary == address(0)) revert ZeroAddress();
        if (category > CATEGORY_INVESTORS) revert UnknownCategory(category);
        if (total == 0 || duration == 0) revert InvalidSchedule();
        uint256 available = unallocated[category];
        if (total > available) revert InsufficientUnallocated(category, total, available);
        unallocated[category] = available - total;
        scheduleId = _schedules.length;
        _schedules.push(Schedule(beneficiary, category, start, cliff, duration, total, 0));
        emit ScheduleCreated(scheduleId, beneficiary, category, total, start, cliff, duration);
    }

    function scheduleCount() external view returns (uint256) {
        return _schedules.length;
    }

    function schedule(uint256 scheduleId) external view returns (Schedule memory) {
        if (scheduleId >= _schedules.length) revert UnknownSchedule(scheduleId);
        return _schedules[scheduleId];
    }

    function vestedAt(uint256 scheduleId, uint64 timestamp) public view returns (uint256) {
        if (scheduleId >= _schedules.length) revert UnknownSchedule(scheduleId);
        Schedule storage s = _schedules[scheduleId];
        uint256 unlockStart = uint256(s.start) + s.cliff;
        if (timestamp < unlockStart) return 0;
        uint256 elapsed = timestamp - unlockStart;
        if (elapsed >= s.duration) return s.total;
        return (s.total * elapsed) / s.duration;
    }

    function releasable(uint256 scheduleId) public view returns (uint256) {
        return vestedAt(scheduleId, uint64(block.timestamp)) - _schedules[scheduleId].released;
    }

    function release(uint256 scheduleId) external returns (uint256 amount) {
        amount = releasable(scheduleId);
        if (amount == 0) revert NothingToRelease(scheduleId);
        Schedule storage s = _schedules[scheduleId];
        s.released += amount;
        emit TokensReleased(scheduleId, s.beneficiary, s.category, amount);
        token.safeTransfer(s.beneficiary, amount);
    }
}
