// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {InferenceSettlement} from "./InferenceSettlement.sol";
import {DatanetRegistry} from "./DatanetRegistry.sol";

/// @title AttributionSettlement — pays a model's contributors' pool by Proof-of-Attribution weights.
/// @notice Per (epoch, model) an attribution operator posts fixed-point weights per
///         (datanet, contributor) that sum exactly to SCALE. The model's whole pool is taken from
///         InferenceSettlement and paid out: each entry gets floor(pool * weight / SCALE); the
///         remainder (pool minus the sum of floors, always < number of entries) goes to the entry
///         with the largest weight, the first such entry on ties. Entries must be strictly
///         increasing by (datanetId, contributor) so that each appears once.
contract AttributionSettlement is AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant ATTRIBUTOR_ROLE = keccak256("ATTRIBUTOR_ROLE");
    uint32 public constant SCALE = 1_000_000;
    uint256 public constant MAX_ENTRIES = 500;

    struct Entry {
        uint256 datanetId;
        address contributor;
        uint32 weight;
    }

    IERC20 public immutable token;
    InferenceSettlement public immutable settlement;
    DatanetRegistry public immutable datanets;
    /// @notice Last closed epoch per model, plus one (0 = none yet).
    mapping(uint256 => uint64) public nextEpoch;

    event AttributionPaid(
        uint64 indexed epoch, uint256 indexed modelId, address indexed contributor, uint256 datanetId, uint32 weight, uint256 amount
    );
    event EpochClosed(uint64 indexed epoch, uint256 indexed modelId, uint256 pool, uint32 entries, bytes32 weightsHash);

    error EpochNotIncreasing(uint256 modelId, uint64 minimum, uint64 got);
    error NoEntries();
    error TooManyEntries(uint256 count, uint256 max);
    error EntriesNotSorted(uint256 index);
    error ZeroWeight(uint256 index);
    error WeightsDoNotSumToScale(uint256 sum);
    error NotAContributor(uint256 datanetId, address contributor);

    constructor(IERC20 token_, InferenceSettlement settlement_, DatanetRegistry datanets_, address governance) {
        token = token_;
        settlement = settlement_;
        datanets = datanets_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function settleEpoch(uint64 epoch, uint256 modelId, Entry[] calldata entries)
        external
        onlyRole(ATTRIBUTOR_ROLE)
        returns (uint256 pool)
    {
        uint64 minimum = nextEpoch[modelId];
        if (epoch < minimum) revert EpochNotIncreasing(modelId, minimum, epoch);
        uint256 n = entries.length;
        if (n == 0) revert NoEntries();
        if (n > MAX_ENTRIES) revert TooManyEntries(n, MAX_ENTRIES);

        uint256 sum;
        uint256 top; // index of the first largest weight
        for (uint256 i = 0; i < n; i++) {
            Entry calldata e = entries[i];
            if (e.weight == 0) revert ZeroWeight(i);
            if (i > 0) {
                Entry calldata p = entries[i - 1];
                if (e.datanetId < p.datanetId || (e.datanetId == p.datanetId && e.contributor <= p.contributor)) {
                    revert EntriesNotSorted(i);
                }
            }
            if (datanets.contributionsOf(e.datanetId, e.contributor) == 0) {
                revert NotAContributor(e.datanetId, e.contributor);
            }
            if (e.weight > entries[top].weight) top = i;
            sum += e.weight;
        }
        if (sum != SCALE) revert WeightsDoNotSumToScale(sum);

        nextEpoch[modelId] = epoch + 1;
        pool = settlement.releasePool(modelId); // reverts NothingToClaim on an empty pool

        uint256[] memory amounts = new uint256[](n);
        uint256 paid;
        for (uint256 i = 0; i < n; i++) {
            amounts[i] = (pool * entries[i].weight) / SCALE;
            paid += amounts[i];
        }
        amounts[top] += pool - paid;
        for (uint256 i = 0; i < n; i++) {
            Entry calldata e = entries[i];
            emit AttributionPaid(epoch, modelId, e.contributor, e.datanetId, e.weight, amounts[i]);
            if (amounts[i] > 0) token.safeTransfer(e.contributor, amounts[i]);
        }
        emit EpochClosed(epoch, modelId, pool, uint32(n), keccak256(abi.encode(entries)));
    }
}
