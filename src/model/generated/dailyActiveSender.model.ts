import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, DateTimeColumn as DateTimeColumn_, Index as Index_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"

/**
 * A sender of a fee-paying transaction on a UTC day (what DailyNetworkFees.activeSenders counts).
 */
@Entity_()
export class DailyActiveSender {
    constructor(props?: Partial<DailyActiveSender>) {
        Object.assign(this, props)
    }

    /**
     * YYYY-MM-DD-<lowercase address>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @DateTimeColumn_({nullable: false})
    date!: Date

    @Index_()
    @StringColumn_({nullable: false})
    sender!: string
}
