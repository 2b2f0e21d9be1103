// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";

/// @title OPEN — OpenLedger's gas and fee token (reference copy for the devnet).
/// @notice 1,000,000,000 OPEN minted once at construction to the five allocation buckets;
///         burnable; no mint function exists after construction. Only standard ERC-20 events.
contract OpenToken is ERC20, ERC20Burnable {
    uint256 public constant TOTAL_SUPPLY = 1_000_000_000e18;
    // Public allocation (OpenLedger tokenomics), in base units.
    uint256 public constant COMMUNITY = 517_100_000e18; // 51.71%
    uint256 public constant ECOSYSTEM = 100_000_000e18; // 10%
    uint256 public constant INVESTORS = 182_900_000e18; // 18.29%
    uint256 public constant TEAM = 150_000_000e18; // 15%
    uint256 public constant LIQUIDITY = 50_000_000e18; // 5%

    error ZeroAddress();

    constructor(address community, address ecosystem, address investors, address team, address liquidity)
        ERC20("OpenLedger", "OPEN")
    {
        if (
            community == address(0) || ecosystem == address(0) || investors == address(0) || team == address(0)
                || liquidity == address(0)
        ) revert ZeroAddress();
        _mint(community, COMMUNITY);
        _mint(ecosystem, ECOSYSTEM);
        _mint(investors, INVESTORS);
        _mint(team, TEAM);
        _mint(liquidity, LIQUIDITY);
        assert(totalSupply() == TOTAL_SUPPLY);
    }
}
