/** hot / warm / cold, coloured, with what the tier means in its tooltip. */
import { Badge, Tooltip } from '@mantine/core'
import type { MemoryTier } from '../../../../../shared/types'
import { TIER_COLOR, TIER_LABEL } from '../format'

export function TierBadge(props: { tier: MemoryTier; size?: 'xs' | 'sm' }): React.JSX.Element {
  return (
    <Tooltip label={TIER_LABEL[props.tier]}>
      <Badge size={props.size ?? 'xs'} variant="light" color={TIER_COLOR[props.tier]} aria-label={`Tier: ${props.tier}`}>
        {props.tier}
      </Badge>
    </Tooltip>
  )
}
