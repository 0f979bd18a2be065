/** `npm run sandbox`: starts the local Composio emulator and the scripted model (filled in as they land). */
console.log('sandbox: nothing to start yet');
