/** Modules vite.config.ts makes at build time. */
declare module 'virtual:flowgrad-bundle-runtime' {
  /** The standalone bundle's runtime module (engine/bundle/runtime.ts compiled into one file), as text. */
  const runtime: string;
  export default runtime;
}
