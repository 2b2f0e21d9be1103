// The plain squid peer's one entity (./peer-squid): a protocol log stored raw.
import { Entity, PrimaryColumn, StringColumn, IntColumn, Column } from '@subsquid/typeorm-store'

@Entity()
export class RawLog {
  constructor(props?: Partial<RawLog>) {
    Object.assign(this, props)
  }

  @PrimaryColumn()
  id!: string

  @IntColumn({ nullable: false })
  blockNumber!: number

  @StringColumn({ nullable: false })
  blockHash!: string

  @IntColumn({ nullable: false })
  logIndex!: number

  @StringColumn({ nullable: false })
  txHash!: string

  @StringColumn({ nullable: false })
  address!: string

  @Column('text', { array: true, nullable: false })
  topics!: string[]

  @StringColumn({ nullable: false })
  data!: string
}
