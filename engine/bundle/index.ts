/** The standalone inference bundle (docs/export.md): the zip writer and its manifest. The runtime itself (runtime.ts) is compiled, not imported. */
export { buildBundle, bundleManifest, type BuiltBundle, type BundleInput } from './build.ts';
export { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE, RUNTIME_FILE, checkManifest, type BundleManifest, type BundleWeightType } from './manifest.ts';
export { exampleInput } from './pages.ts';
