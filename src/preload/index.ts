// Preload: filled in by the Electron shell work.
export {}
