/**
 * `engines` is true: every package the lockfile installs (dependencies and dev dependencies) accepts every Node
 * version Maitre supports — the floor of package.json's `engines.node` and the Node running this test — so `npm ci`
 * prints no EBADENGINE. `cookie@2` and `content-disposition@3` (ESM-only majors that say Node >= 22) are overridden
 * with their previous majors, which export the same functions (package.json `overrides`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import semver from 'semver';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));

test('every installed package accepts the supported Node versions', () => {
  const floor = semver.minVersion(pkg.engines.node)!.version;
  assert.equal(floor, '20.19.0', 'the README says Node 20.19 or later');
  const versions = [floor, process.versions.node, '22.12.0', '24.0.0'];
  const refused: string[] = [];
  for (const [path, entry] of Object.entries<{ engines?: { node?: string } | string[]; optional?: boolean }>(lock.packages)) {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (!path || !range || entry.optional) continue;
    for (const v of versions) if (!semver.satisfies(v, range)) refused.push(`${path.replace(/^.*node_modules\//, '')} wants node ${range}, not ${v}`);
  }
  assert.deepEqual(refused, []);
});

test('the overridden cookie and content-disposition export what their dependants call', () => {
  const require = createRequire(import.meta.url);
  const from = (dependant: string, name: string) => createRequire(require.resolve(dependant))(name);
  for (const dependant of ['@fastify/cookie', 'light-my-request']) {
    const cookie = from(dependant, 'cookie');
    assert.equal(cookie.stringifySetCookie({ name: 'a', value: 'b c', httpOnly: true }), 'a=b%20c; HttpOnly', dependant);
    assert.deepEqual({ ...cookie.parseCookie('a=1; b=x%20y') }, { a: '1', b: 'x y' }, dependant);
  }
  const { create } = from('@fastify/static', 'content-disposition'); // the same output as 3.0.0's
  assert.equal(create('menu été.pdf'), `attachment; filename="menu ?t?.pdf"; filename*=UTF-8''menu%20%C3%A9t%C3%A9.pdf`);
});
