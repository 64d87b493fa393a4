/**
 * Archive: what was put away, by kind — memories, documents and chats — each with a search
 * over what is loaded (pages of 200, "Load more" to reach further), Restore, and Delete
 * forever behind a confirmation. Chats are archived by hand or by the auto-archive policy
 * (`sessions.auto_archive_days`).
 */
import { Badge, Button, Center, CloseButton, Group, Loader, Stack, Tabs, Text, TextInput } from '@mantine/core'
import { IconArchive, IconBulb, IconFileText, IconMessages, IconSearch } from '@tabler/icons-react'
import { useMemo } from 'react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'
import { useNavigation } from '../../../app/navigation'
import { documentMatches, formatCount, memoryMatches, plural, queryWords, sessionMatches } from '../format'
import { useArchiveStore, type ArchiveItems, type ArchiveKind, type TabState } from '../store'
import { useArchiveEvents } from '../useArchiveEvents'
import { ArchivedDocumentRow, ArchivedMemoryRow, ArchivedSessionRow } from './ArchiveRows'
import { PurgeConfirmModal } from './PurgeConfirmModal'
import { RetryAlert } from '../../../components/RetryAlert'

interface TabWords {
  label: string
  one: string
  many: string
  icon: typeof IconBulb
  emptyTitle: string
  emptyText: string
  section: 'memories' | 'documents' | 'chat'
}

const TABS: Record<ArchiveKind, TabWords> = {
  memories: {
    label: 'Memories',
    one: 'archived memory',
    many: 'archived memories',
    icon: IconBulb,
    emptyTitle: 'No archived memories',
    emptyText: 'Archive a memory from its panel on the Memories screen: it leaves lists and search, and waits here.',
    section: 'memories'
  },
  documents: {
    label: 'Documents',
    one: 'archived document',
    many: 'archived documents',
    icon: IconFileText,
    emptyTitle: 'No archived documents',
    emptyText: 'Archive a document on the Documents screen, or remove a file from a watched folder: it waits here.',
    section: 'documents'
  },
  sessions: {
    label: 'Chats',
    one: 'archived chat',
    many: 'archived chats',
    icon: IconMessages,
    emptyTitle: 'No archived chats',
    emptyText: 'Archive a chat from the Chat screen, or let idle chats be archived after a number of days (Settings: sessions.auto_archive_days).',
    section: 'chat'
  }
}

function TabPanel<K extends ArchiveKind>(props: { kind: K; render(item: ArchiveItems[K]): React.ReactNode }): React.JSX.Element {
  const { kind } = props
  const tab = useArchiveStore((s) => s[kind]) as TabState<ArchiveItems[K]>
  const words = TABS[kind]
  const setQuery = useArchiveStore((s) => s.setQuery)
  const loadMore = useArchiveStore((s) => s.loadMore)
  const load = useArchiveStore((s) => s.load)
  const wordsOfQuery = useMemo(() => queryWords(tab.query), [tab.query])
  const shown = useMemo(
    () =>
      tab.items.filter((item) =>
        kind === 'memories'
          ? memoryMatches(item as ArchiveItems['memories'], wordsOfQuery)
          : kind === 'documents'
            ? documentMatches(item as ArchiveItems['documents'], wordsOfQuery)
            : sessionMatches(item as ArchiveItems['sessions'], wordsOfQuery)
      ),
    [tab.items, wordsOfQuery, kind]
  )
  const searching = wordsOfQuery.length > 0
  const hasMore = tab.nextCursor !== null

  if (tab.error && tab.items.length === 0)
    return (
      <RetryAlert title={`Could not load ${words.many}`} message={tab.error.message} onRetry={() => void load(kind)} />
    )
  if (tab.total === null)
    return (
      <Center py="xl">
        <Loader aria-label={`Loading ${words.many}`} />
      </Center>
    )
  if (tab.total === 0)
    return (
      <SectionEmptyState
        icon={words.icon}
        title={words.emptyTitle}
        description={words.emptyText}
        action={
          <Button variant="light" onClick={() => useNavigation.getState().go(words.section)}>
            Go to {words.label}
          </Button>
        }
      />
    )

  return (
    <Stack gap="sm">
      <TextInput
        type="search"
        aria-label={`Search ${words.many}`}
        placeholder={`Search ${words.many}`}
        leftSection={<IconSearch size={16} />}
        value={tab.query}
        onChange={(e) => setQuery(kind, e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && tab.query) {
            e.preventDefault()
            setQuery(kind, '')
          }
        }}
        rightSection={tab.query ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setQuery(kind, '')} /> : null}
      />
      <Text size="sm" c="dimmed" aria-live="polite" data-testid={`archive-${kind}-summary`}>
        {searching
          ? `${plural(shown.length, 'match', 'matches')} for “${tab.query.trim()}” in ${formatCount(tab.items.length)} loaded${hasMore ? ` of ${formatCount(tab.total)}` : ''}`
          : `${plural(tab.total, words.one, words.many)}${hasMore ? ` · ${formatCount(tab.items.length)} loaded` : ''}`}
      </Text>
      {shown.length === 0 ? (
        <Text size="sm" py="lg" ta="center">
          Nothing here matches “{tab.query.trim()}”.{hasMore ? ' Load more to search further.' : ''}
        </Text>
      ) : (
        <Stack component="ul" gap="xs" m={0} p={0} style={{ listStyle: 'none' }} aria-label={words.many}>
          {shown.map((item) => props.render(item))}
        </Stack>
      )}
      {hasMore && (
        <Group justify="center">
          <Button variant="default" size="xs" loading={tab.loading} onClick={() => void loadMore(kind)}>
            Load more
          </Button>
        </Group>
      )}
      {tab.error && (
        <Text size="sm" c="red" role="alert">
          {tab.error.message}
        </Text>
      )}
    </Stack>
  )
}

function TabLabel(props: { kind: ArchiveKind }): React.JSX.Element {
  const total = useArchiveStore((s) => s[props.kind].total)
  return (
    <Group gap={6} wrap="nowrap">
      <span>{TABS[props.kind].label}</span>
      {total !== null && (
        <Badge size="sm" variant="light" color="gray" aria-label={`(${formatCount(total)})`}>
          {formatCount(total)}
        </Badge>
      )}
    </Group>
  )
}

export function ArchiveScreen(): React.JSX.Element {
  useArchiveEvents()
  const tab = useArchiveStore((s) => s.tab)
  const setTab = useArchiveStore((s) => s.setTab)
  const view = useArchiveStore((s) => {
    const { memories: m, documents: d, sessions: c } = s
    if ((m.total === null && !m.error) || (d.total === null && !d.error) || (c.total === null && !c.error)) return 'loading'
    // Chats answer 'unavailable' until the chat service exists: that alone is no reason to show tabs.
    return m.total === 0 && d.total === 0 && (c.total ?? 0) === 0 ? 'empty' : 'tabs'
  })

  return (
    <SectionPage title="Archive" description="Memories, documents and chats put away: out of lists and search, kept until you restore or delete them.">
      {view === 'loading' && (
        <Center py="xl">
          <Loader aria-label="Loading the archive" />
        </Center>
      )}
      {view === 'empty' && (
        <SectionEmptyState
          icon={IconArchive}
          title="Nothing archived"
          description={
            <>
              <span>What you archive is kept here, out of the way.</span>{' '}
              <span>Archived memories, documents and chats leave lists and search until you restore them.</span>
            </>
          }
        />
      )}
      {view === 'tabs' && (
        <Tabs value={tab} onChange={(v) => v && setTab(v as ArchiveKind)} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="memories" leftSection={<IconBulb size={16} />}>
              <TabLabel kind="memories" />
            </Tabs.Tab>
            <Tabs.Tab value="documents" leftSection={<IconFileText size={16} />}>
              <TabLabel kind="documents" />
            </Tabs.Tab>
            <Tabs.Tab value="sessions" leftSection={<IconMessages size={16} />}>
              <TabLabel kind="sessions" />
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="memories">
            <TabPanel kind="memories" render={(m) => <ArchivedMemoryRow key={m.id} memory={m} />} />
          </Tabs.Panel>
          <Tabs.Panel value="documents">
            <TabPanel kind="documents" render={(d) => <ArchivedDocumentRow key={d.id} doc={d} />} />
          </Tabs.Panel>
          <Tabs.Panel value="sessions">
            <TabPanel kind="sessions" render={(c) => <ArchivedSessionRow key={c.id} session={c} />} />
          </Tabs.Panel>
        </Tabs>
      )}
      <PurgeConfirmModal />
    </SectionPage>
  )
}
