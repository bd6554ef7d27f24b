/** Why an enrollment waits for an admin instead of completing at once. */
export type Collision = 'device-id' | 'hardware' | 'placeholder-serial';
