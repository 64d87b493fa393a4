/** Providers and the top-level route: the quick-capture view, or the main app. */
import { MantineProvider } from '@mantine/core'
import { CaptureView } from '../features/capture/components/CaptureView'
import { NotificationStack } from '../features/notifications/components/NotificationStack'
import { useNavigation } from './navigation'
import { ReconnectingBanner } from './ReconnectingBanner'
import { Root } from './Root'
import { theme } from './theme'

export function App(): React.JSX.Element {
  const isCapture = useNavigation((s) => s.route.kind === 'capture')
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <ReconnectingBanner />
      {isCapture ? <CaptureView /> : <Root />}
      <NotificationStack />
    </MantineProvider>
  )
}
