/** Nest injection token for the validated, frozen HubConfig. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
