// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {DatanetRegistry} from "./DatanetRegistry.sol";

/// @title ModelRegistry — specialised models (a low-rank adapter on a base model) and their prices.
/// @notice Registering pays the governed deployment fee in OPEN to the treasury. The owner (the
///         model's creator) may change the price, publish a new adapter version, or retire it.
///         Receipts are settled after they are served, so a change must not strand them: for
///         `priceGrace` seconds after a price change the previous price is still accepted, and a
///         retired model still settles for `priceGrace` seconds after retirement.
contract ModelRegistry is AccessControl {
    using SafeERC20 for IERC20;

    /// @dev owner, price and retirement time share one storage slot: a settlement reads one slot
    ///      per model in the common case.
    struct Model {
        address owner;
        uint64 pricePerUnit;
        uint32 retiredAt; // 0 = live
    }

    struct PreviousPrice {
        uint64 price;
        uint64 validUntil;
        /// @dev the block of the change: a payer's authorisation signed before it may still be charged the old price
        uint64 changedAtBlock;
    }

    struct ModelMeta {
        bytes32 baseModel;
        bytes32 adapterHash;
        uint32 adapterVersion;
    }

    IERC20 public immutable token;
    DatanetRegistry public immutable datanets;
    address public treasury;
    uint256 public deploymentFee;
    uint64 public priceGrace;

    Model[] internal _models;
    mapping(uint256 => ModelMeta) internal _meta;
    mapping(uint256 => uint256[]) internal _datanetsOf;
    mapping(uint256 => PreviousPrice) public previousPrice;

    event ModelRegistered(
        uint256 indexed modelId,
        address indexed owner,
        bytes32 indexed baseModel,
        bytes32 adapterHash,
        uint256[] datanetIds,
        uint256 pricePerUnit,
        uint256 deploymentFee
    );
    event ModelPriceChanged(uint256 indexed modelId, uint256 oldPrice, uint256 newPrice);
    event AdapterUpdated(uint256 indexed modelId, uint32 version, bytes32 adapterHash);
    event ModelRetired(uint256 indexed modelId);
    /// @notice The owner's declared monthly cost of maintaining the model's current adapter
    ///         (retraining, evaluation, storage), in micro-USD per month.
    event AdapterCostDeclared(uint256 indexed modelId, uint32 adapterVersion, uint256 microUsdPerMonth);
    event DeploymentFeeChanged(uint256 oldFee, uint256 newFee);
    event TreasuryChanged(address indexed oldTreasury, address indexed newTreasury);
    event PriceGraceChanged(uint64 oldGrace, uint64 newGrace);

    error ZeroAddress();
    error UnknownModel(uint256 modelId);
    error ModelIsRetired(uint256 modelId);
    error NotModelOwner(uint256 modelId, address caller);
    error ZeroPrice();
    error PriceTooLarge(uint256 price);
    error NoDatanets();
    error UnknownDatanet(uint256 datanetId);
    error ZeroAdapterHash();
    error StaleAdapterVersion(uint256 modelId, uint32 current, uint32 given);
    error ZeroCost();

    constructor(
        IERC20 token_,
        DatanetRegistry datanets_,
        address treasury_,
        address governance,
        uint256 deploymentFee_,
        uint64 priceGrace_
    ) {
        if (address(token_) == address(0) || address(datanets_) == address(0) || treasury_ == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        datanets = datanets_;
        treasury = treasury_;
        deploymentFee = deploymentFee_;
        priceGrace = priceGrace_;
        _grantRole(DEFAULT_ADMIN_ROLE, governance);
    }

    function registerModel(bytes32 baseModel, bytes32 adapterHash, uint256[] calldata datanetIds, uint256 pricePerUnit)
        external
        returns (uint256 modelId)
    {
        if (adapterHash == bytes32(0)) revert ZeroAdapterHash();
        _checkPrice(pricePerUnit);
        if (datanetIds.length == 0) revert NoDatanets();
        for (uint256 i = 0; i < datanetIds.length; i++) {
            if (!datanets.exists(datanetIds[i])) revert UnknownDatanet(datanetIds[i]);
        }
        modelId = _models.length;
        _models.push(Model(msg.sender, uint64(pricePerUnit), 0));
        _meta[modelId] = ModelMeta(baseModel, adapterHash, 1);
        _datanetsOf[modelId] = datanetIds;
        uint256 fee = deploymentFee;
        emit ModelRegistered(modelId, msg.sender, baseModel, adapterHash, datanetIds, pricePerUnit, fee);
        if (fee > 0) token.safeTransferFrom(msg.sender, treasury, fee);
    }

    function setPrice(uint256 modelId, uint256 newPrice) external {
        Model storage m = _owned(modelId);
        _checkPrice(newPrice);
        uint256 old = m.pricePerUnit;
        m.pricePerUnit = uint64(newPrice);
        previousPrice[modelId] = PreviousPrice(uint64(old), uint64(block.timestamp) + priceGrace, uint64(block.number));
        emit ModelPriceChanged(modelId, old, newPrice);
    }

    function updateAdapter(uint256 modelId, bytes32 adapterHash) external {
        _owned(modelId);
        if (adapterHash == bytes32(0)) revert ZeroAdapterHash();
        ModelMeta storage meta = _meta[modelId];
        meta.adapterHash = adapterHash;
        meta.adapterVersion += 1;
        emit AdapterUpdated(modelId, meta.adapterVersion, adapterHash);
    }

    /// @notice The owner declares what maintaining the current adapter version costs per month;
    ///         naming the version keeps a declaration from outliving the adapter it was made for.
    function declareAdapterCost(uint256 modelId, uint32 adapterVersion, uint256 microUsdPerMonth) external {
        _owned(modelId);
        uint32 current = _meta[modelId].adapterVersion;
        if (adapterVersion != current) revert StaleAdapterVersion(modelId, current, adapterVersion);
        if (microUsdPerMonth == 0) revert ZeroCost();
        emit AdapterCostDeclared(modelId, adapterVersion, microUsdPerMonth);
    }

    /// @notice The owner or governance may retire a model; a retired model cannot be settled.
    function retire(uint256 modelId) external {
        Model storage m = _get(modelId);
        if (m.owner != msg.sender && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) revert NotModelOwner(modelId, msg.sender);
        if (m.retiredAt != 0) revert ModelIsRetired(modelId);
        m.retiredAt = uint32(block.timestamp);
        emit ModelRetired(modelId);
    }

    function setDeploymentFee(uint256 newFee) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit DeploymentFeeChanged(deploymentFee, newFee);
        deploymentFee = newFee;
    }

    function setPriceGrace(uint64 newGrace) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit PriceGraceChanged(priceGrace, newGrace);
        priceGrace = newGrace;
    }

    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasuryChanged(treasury, newTreasury);
        treasury = newTreasury;
    }

    function modelCount() external view returns (uint256) {
        return _models.length;
    }

    function model(uint256 modelId) external view returns (Model memory, ModelMeta memory, uint256[] memory) {
        return (_get(modelId), _meta[modelId], _datanetsOf[modelId]);
    }

    function ownerOf(uint256 modelId) external view returns (address) {
        return _get(modelId).owner;
    }

    /// @notice Current prices of settleable models, one slot read each; reverts on an unknown model
    ///         or one retired more than `priceGrace` ago.
    function livePrices(uint256[] calldata modelIds) external view returns (uint256[] memory prices) {
        prices = new uint256[](modelIds.length);
        uint64 grace = priceGrace;
        for (uint256 i = 0; i < modelIds.length; i++) {
            Model storage m = _get(modelIds[i]);
            if (m.retiredAt != 0 && block.timestamp > uint256(m.retiredAt) + grace) revert ModelIsRetired(modelIds[i]);
            prices[i] = m.pricePerUnit;
        }
    }

    /// @notice The price before the last change, while it is still accepted (0 once expired).
    function gracePrice(uint256 modelId) external view returns (uint256) {
        PreviousPrice memory p = previousPrice[modelId];
        return block.timestamp <= p.validUntil ? p.price : 0;
    }

    /// @notice The grace price (0 once expired) and the block of the price change that made it
    ///         the previous price: it may only be charged under an authorisation signed before that block.
    function graceTerms(uint256 modelId) external view returns (uint256 price, uint256 changedAtBlock) {
        PreviousPrice memory p = previousPrice[modelId];
        return (block.timestamp <= p.validUntil ? p.price : 0, p.changedAtBlock);
    }

    function isLive(uint256 modelId) external view returns (bool) {
        return modelId < _models.length && _models[modelId].retiredAt == 0;
    }

    function _checkPrice(uint256 price) internal pure {
        if (price == 0) revert ZeroPrice();
        if (price > type(uint64).max) revert PriceTooLarge(price);
    }

    function _get(uint256 modelId) internal view returns (Model storage) {
        if (modelId >= _models.length) revert UnknownModel(modelId);
        return _models[modelId];
    }

    function _owned(uint256 modelId) internal view returns (Model storage m) {
        m = _get(modelId);
        if (m.owner != msg.sender) revert NotModelOwner(modelId, msg.sender);
        if (m.retiredAt != 0) revert ModelIsRetired(modelId);
    }
}
