import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_, BooleanColumn as BooleanColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"
import {ModelDatanet} from "./modelDatanet.model"
import {ModelPriceChange} from "./modelPriceChange.model"
import {AdapterVersion} from "./adapterVersion.model"

@Entity_()
export class Model {
    constructor(props?: Partial<Model>) {
        Object.assign(this, props)
    }

    /**
     * model id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    owner!: Account

    @StringColumn_({nullable: false})
    baseModel!: string

    @StringColumn_({nullable: false})
    adapterHash!: string

    @IntColumn_({nullable: false})
    adapterVersion!: number

    @BigIntColumn_({nullable: false})
    pricePerUnit!: bigint

    @BigIntColumn_({nullable: false})
    deploymentFee!: bigint

    @IntColumn_({nullable: false})
    registeredAtBlock!: number

    @DateTimeColumn_({nullable: false})
    registeredAt!: Date

    @BooleanColumn_({nullable: false})
    retired!: boolean

    @DateTimeColumn_({nullable: true})
    retiredAt!: Date | undefined | null

    @IntColumn_({nullable: true})
    retiredAtBlock!: number | undefined | null

    @IntColumn_({nullable: false})
    inferenceCount!: number

    @BigIntColumn_({nullable: false})
    totalUnits!: bigint

    @BigIntColumn_({nullable: false})
    totalFees!: bigint

    @BigIntColumn_({nullable: false})
    creatorShare!: bigint

    @BigIntColumn_({nullable: false})
    contributorsShare!: bigint

    @BigIntColumn_({nullable: false})
    creatorPaid!: bigint

    @BigIntColumn_({nullable: false})
    attributionPaid!: bigint

    @OneToMany_(() => ModelDatanet, e => e.model)
    datanets!: ModelDatanet[]

    @OneToMany_(() => ModelPriceChange, e => e.model)
    priceHistory!: ModelPriceChange[]

    @OneToMany_(() => AdapterVersion, e => e.model)
    adapters!: AdapterVersion[]
}
