/**
 * The scripted model's one name, in a module of its own: the activation bundle's sandboxServers.ts
 * needs it without loading the model (scriptedModel.ts), which lives in the sandbox bundle.
 */

/** The model id the scripted model lists; any requested model name is accepted and echoed. */
export const SCRIPTED_MODEL_ID = 'sandbox-scripted';
