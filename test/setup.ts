// Loaded by mocha before every spec (.mocharc.json): quiet logs unless LOG_LEVEL asks for them.
process.env.LOG_LEVEL ??= 'silent';
