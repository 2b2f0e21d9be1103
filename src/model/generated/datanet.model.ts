import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, BooleanColumn as BooleanColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"
import {Contribution} from "./contribution.model"
import {ModelDatanet} from "./modelDatanet.model"

@Entity_()
export class Datanet {
    constructor(props?: Partial<Datanet>) {
        Object.assign(this, props)
    }

    /**
     * datanet id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    owner!: Account

    @StringColumn_({nullable: false})
    name!: string

    @StringColumn_({nullable: false})
    metadataHash!: string

    @IntColumn_({nullable: false})
    createdAtBlock!: number

    @DateTimeColumn_({nullable: false})
    createdAt!: Date

    @BooleanColumn_({nullable: false})
    closed!: boolean

    @IntColumn_({nullable: false})
    contributionCount!: number

    @IntColumn_({nullable: false})
    contributorCount!: number

    @OneToMany_(() => Contribution, e => e.datanet)
    contributions!: Contribution[]

    @OneToMany_(() => ModelDatanet, e => e.datanet)
    models!: ModelDatanet[]
}
