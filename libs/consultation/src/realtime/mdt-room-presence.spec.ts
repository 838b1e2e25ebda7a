import { describe, expect, it } from '@jest/globals';
import { MdtRoomPresence } from './mdt-room-presence.js';

describe('MdtRoomPresence', () => {
  it("says 'first' for a user's first socket in a room and 'last' for the last one to go", () => {
    const p = new MdtRoomPresence();
    expect(p.enter('c1', 'alice', 's1')).toBe(true);
    expect(p.enter('c1', 'alice', 's2')).toBe(false); // a second tab
    expect(p.enter('c1', 'bob', 's3')).toBe(true);
    expect(p.socketsOf('c1', 'alice')).toBe(2);
    expect(p.usersIn('c1').sort()).toEqual(['alice', 'bob']);
    expect(p.exit('c1', 'alice', 's1')).toBe(false);
    expect(p.exit('c1', 'alice', 's2')).toBe(true);
    expect(p.usersIn('c1')).toEqual(['bob']);
  });

  it('keeps rooms apart and forgets an empty one', () => {
    const p = new MdtRoomPresence();
    expect(p.enter('c1', 'alice', 's1')).toBe(true);
    expect(p.enter('c2', 'alice', 's2')).toBe(true);
    expect(p.exit('c1', 'alice', 's1')).toBe(true);
    expect(p.occupied('c1')).toBe(false);
    expect(p.occupied('c2')).toBe(true);
  });

  it('is not fooled by a socket entering twice or leaving a room it was not in', () => {
    const p = new MdtRoomPresence();
    expect(p.enter('c1', 'alice', 's1')).toBe(true);
    expect(p.enter('c1', 'alice', 's1')).toBe(false);
    expect(p.exit('c1', 'alice', 'other')).toBe(false);
    expect(p.exit('c2', 'alice', 's1')).toBe(false);
    expect(p.exit('c1', 'alice', 's1')).toBe(true);
    expect(p.exit('c1', 'alice', 's1')).toBe(false);
  });
});
