// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OpFeeVault — a devnet stand-in for the OP Stack fee vault predeploys (SequencerFeeVault
///        0x4200…0011, BaseFeeVault 0x4200…0019, L1FeeVault 0x4200…001A), written from their
///        public interface: it receives native fees and `withdraw()` sends its whole balance to
///        the recipient, emitting both Withdrawal events as the Bedrock vaults do. Tests place its
///        runtime code at the predeploy addresses with anvil_setCode (no constructor runs there,
///        so the recipient is storage set once by `setRecipient`).
contract OpFeeVault {
    enum WithdrawalNetwork {
        L1,
        L2
    }

    address public recipient;
    uint256 public totalProcessed;

    /// @notice the legacy event every Bedrock fee vault emits (the indexer reads this one)
    event Withdrawal(uint256 value, address to, address from);
    event Withdrawal(uint256 value, address to, address from, WithdrawalNetwork withdrawalNetwork);

    error RecipientAlreadySet();
    error NoRecipient();

    receive() external payable {}

    function setRecipient(address to) external {
        if (recipient != address(0)) revert RecipientAlreadySet();
        if (to == address(0)) revert NoRecipient();
        recipient = to;
    }

    function withdraw() external {
        address to = recipient;
        if (to == address(0)) revert NoRecipient();
        uint256 value = address(this).balance;
        totalProcessed += value;
        emit Withdrawal(value, to, msg.sender);
        emit Withdrawal(value, to, msg.sender, WithdrawalNetwork.L2);
        (bool ok,) = to.call{value: value}("");
        require(ok, "FeeVault: transfer failed");
    }
}
