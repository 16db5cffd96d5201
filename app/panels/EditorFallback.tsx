/**
 * Error boundary around a lazily loaded editor (Monaco): if its chunk fails to load (offline
 * before it was ever cached, a blocked worker) the plain view takes its place, so code stays
 * readable and editable without it.
 */
import { Component, type ReactNode } from 'react';

export class EditorFallback extends Component<{ children: ReactNode; plain: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.plain : this.props.children;
  }
}
