import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ConnectionState } from './web-bridge';

/** The link to the main process (always connected inside Electron). */
export const ConnectionContext = createContext<ConnectionState>('connecting');

export function useConnection(): ConnectionState {
  return useContext(ConnectionContext);
}

interface Props {
  onConnection(listener: (state: ConnectionState) => void): () => void;
  children: ReactNode;
}

/** Follows the transport's link to the main process and tells every component below. */
export function ConnectionProvider({ onConnection, children }: Props) {
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => onConnection(setState), [onConnection]);
  return <ConnectionContext.Provider value={state}>{children}</ConnectionContext.Provider>;
}
