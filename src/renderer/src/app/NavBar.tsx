/** The left navigation: one link per section, with its keyboard shortcut shown beside it. */
import { AppShell, Kbd, NavLink, Stack } from '@mantine/core'
import { modLabel } from '../lib/platform'
import { useSection } from './navigation'
import { SECTIONS } from './sections'

export function NavBar(): React.JSX.Element {
  const current = useSection()
  return (
    <AppShell.Navbar p="sm" aria-label="Sections">
      <Stack gap={4}>
        {SECTIONS.map((s, i) => {
          const active = s.id === current
          return (
            <NavLink
              key={s.id}
              component="a"
              href={`#/${s.id}`}
              label={s.label}
              active={active}
              aria-current={active ? 'page' : undefined}
              aria-keyshortcuts={`${modLabel === '⌘' ? 'Meta' : 'Control'}+${i + 1}`}
              leftSection={<s.icon size={20} stroke={1.6} />}
              rightSection={
                <Kbd size="xs" aria-hidden="true" style={{ opacity: active ? 1 : 0.7 }}>
                  {modLabel} {i + 1}
                </Kbd>
              }
              styles={{ root: { borderRadius: 'var(--mantine-radius-md)', padding: '10px 12px' }, label: { fontSize: 'var(--mantine-font-size-md)' } }}
            />
          )
        })}
      </Stack>
    </AppShell.Navbar>
  )
}
