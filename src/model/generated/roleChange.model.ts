import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, ManyToOne as ManyToOne_, Index as Index_, BooleanColumn as BooleanColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"

/**
 * AccessControl role grants and revocations on every protocol contract.
 */
@Entity_()
export class RoleChange {
    constructor(props?: Partial<RoleChange>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @StringColumn_({nullable: false})
    contract!: string

    @StringColumn_({nullable: false})
    role!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    account!: Account

    @BooleanColumn_({nullable: false})
    granted!: boolean

    @IntColumn_({nullable: false})
    blockNumber!: number

    @StringColumn_({nullable: false})
    txHash!: string
}
