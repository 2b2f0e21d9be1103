import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"
import {VestingRelease} from "./vestingRelease.model"

/**
 * category: team | investors
 */
@Entity_()
export class VestingSchedule {
    constructor(props?: Partial<VestingSchedule>) {
        Object.assign(this, props)
    }

    /**
     * schedule id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    beneficiary!: Account

    @StringColumn_({nullable: false})
    category!: string

    @BigIntColumn_({nullable: false})
    total!: bigint

    /**
     * unix seconds
     */
    @BigIntColumn_({nullable: false})
    start!: bigint

    @BigIntColumn_({nullable: false})
    cliff!: bigint

    @BigIntColumn_({nullable: false})
    duration!: bigint

    @BigIntColumn_({nullable: false})
    released!: bigint

    @IntColumn_({nullable: false})
    createdAtBlock!: number

    @OneToMany_(() => VestingRelease, e => e.schedule)
    releases!: VestingRelease[]
}
