// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title FeePolicy — the governed split of every inference fee, in basis points.
/// @notice Every change is a new numbered version (1, 2, ...) with an event; a settlement uses
///         the version in force at its block. Shares are computed by the settlement contract as
///         floor(fee * bps / 10_000) for creator, contributors, infrastructure and burn; the
///         treasury receives the rest (its own floor share plus every rounding remainder), so
///         the shares always sum exactly to the fee.
contract FeePolicy is AccessControl {
    uint16 public constant BPS = 10_000;

    struct Split {
        uint32 version;
        uint16 creatorBps;
        uint16 contributorsBps;
        uint16 infraBps;
        uint16 treasuryBps;
        uint16 burnBps;
    }

    Split internal _current;

    event FeePolicySet(
        uint32 indexed version,
        uint16 creatorBps,
        uint16 contributorsBps,
        uint16 infraBps,
        uint16 treasuryBps,
        uint16 burnBps
    );

    error InvalidSplit(uint256 sumBps);

    constructor(address governance, uint16 creatorBps, uint16 contributorsBps, uint16 infraBps, uint16 treasuryBps, uint16 burnBps) {
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
        _set(creatorBps, contributorsBps, infraBps, treasuryBps, burnBps);
    }

    function setPolicy(uint16 creatorBps, uint16 contributorsBps, uint16 infraBps, uint16 treasuryBps, uint16 burnBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint32 version)
    {
        return _set(creatorBps, contributorsBps, infraBps, treasuryBps, burnBps);
    }

    function current() external view returns (Split memory) {
        return _current;
    }

    function _set(uint16 c, uint16 k, uint16 i, uint16 t, uint16 b) internal returns (uint32 version) {
        uint256 sum = uint256(c) + k + i + t + b;
        if (sum != BPS) revert InvalidSplit(sum);
        version = _current.version + 1;
        _current = Split(version, c, k, i, t, b);
        emit FeePolicySet(version, c, k, i, t, b);
    }
}
