import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Datanet} from "./datanet.model"
import {Account} from "./account.model"

/**
 * How many contributions an account made to a datanet (attribution eligibility).
 */
@Entity_()
export class DatanetContributor {
    constructor(props?: Partial<DatanetContributor>) {
        Object.assign(this, props)
    }

    /**
     * <datanet>-<address>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Datanet, {nullable: true})
    datanet!: Datanet

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    contributor!: Account

    @IntColumn_({nullable: false})
    contributions!: number

    @IntColumn_({nullable: false})
    firstBlock!: number

    @IntColumn_({nullable: false})
    lastBlock!: number

    @DateTimeColumn_({nullable: false})
    lastAt!: Date
}
