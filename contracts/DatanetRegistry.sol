// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title DatanetRegistry — datanets and the contributions recorded into them.
/// @notice A contribution is a content hash (keccak256 of the example's canonical JSON, stored
///         off-chain in a content-addressed store). Anyone may create a datanet; anyone may
///         contribute to an open datanet; the owner may close it to new contributions.
contract DatanetRegistry {
    struct Datanet {
        address owner;
        bool closed;
        uint64 contributions;
    }

    Datanet[] internal _datanets;
    uint256 public contributionCount;
    /// @notice Number of contributions a contributor made to a datanet (attribution eligibility).
    mapping(uint256 => mapping(address => uint256)) public contributionsOf;
    mapping(uint256 => mapping(bytes32 => bool)) public hasContent;

    event DatanetCreated(uint256 indexed datanetId, address indexed owner, string name, bytes32 metadataHash);
    event DatanetClosed(uint256 indexed datanetId);
    event ContributionRecorded(
        uint256 indexed contributionId, uint256 indexed datanetId, address indexed contributor, bytes32 contentHash
    );

    error EmptyName();
    error UnknownDatanet(uint256 datanetId);
    error DatanetIsClosed(uint256 datanetId);
    error NotDatanetOwner(uint256 datanetId, address caller);
    error ZeroContentHash();
    error DuplicateContribution(uint256 datanetId, bytes32 contentHash);
    error EmptyBatch();

    function createDatanet(string calldata name, bytes32 metadataHash) external returns (uint256 datanetId) {
        if (bytes(name).length == 0) revert EmptyName();
        datanetId = _datanets.length;
        _datanets.push(Datanet(msg.sender, false, 0));
        emit DatanetCreated(datanetId, msg.sender, name, metadataHash);
    }

    function closeDatanet(uint256 datanetId) external {
        Datanet storage d = _get(datanetId);
        if (d.owner != msg.sender) revert NotDatanetOwner(datanetId, msg.sender);
        d.closed = true;
        emit DatanetClosed(datanetId);
    }

    function datanetCount() external view returns (uint256) {
        return _datanets.length;
    }

    function datanet(uint256 datanetId) external view returns (Datanet memory) {
        return _get(datanetId);
    }

    function exists(uint256 datanetId) external view returns (bool) {
        return datanetId < _datanets.length;
    }

    /// @notice Records a batch of contributions by the caller into one datanet.
    function contribute(uint256 datanetId, bytes32[] calldata contentHashes) external returns (uint256 firstId) {
        if (contentHashes.length == 0) revert EmptyBatch();
        Datanet storage d = _get(datanetId);
        if (d.closed) revert DatanetIsClosed(datanetId);
        firstId = contributionCount;
        uint256 id = firstId;
        for (uint256 i = 0; i < contentHashes.length; i++) {
            bytes32 h = contentHashes[i];
            if (h == bytes32(0)) revert ZeroContentHash();
            if (hasContent[datanetId][h]) revert DuplicateContribution(datanetId, h);
            hasContent[datanetId][h] = true;
            emit ContributionRecorded(id++, datanetId, msg.sender, h);
        }
        contributionCount = id;
        contributionsOf[datanetId][msg.sender] += contentHashes.length;
        d.contributions += uint64(contentHashes.length);
    }

    function _get(uint256 datanetId) internal view returns (Datanet storage) {
        if (datanetId >= _datanets.length) revert UnknownDatanet(datanetId);
        return _datanets[datanetId];
    }
}
