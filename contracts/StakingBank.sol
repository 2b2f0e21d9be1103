// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Staking} from "./Staking.sol";

/// @title StakingBank — the public openledger-staking Bank's interface, written here from it: a
///        contract that holds the staked tokens, approves Staking to pay out of it, and sets
///        staking configs (so Staking sees the Bank as the config's bank and caller).
contract StakingBank is Ownable {
    using SafeERC20 for IERC20;

    constructor(address owner) Ownable(owner) {}

    function approve(address token, address spender, uint256 amount) external onlyOwner {
        IERC20(token).forceApprove(spender, amount);
    }

    function setConfig(address staking, uint256 configId, Staking.StakeConfig calldata config) external onlyOwner {
        Staking(staking).setConfig(configId, config);
    }
}
