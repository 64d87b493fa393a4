// Electron composition root: filled in by the Electron shell work.
export {}
