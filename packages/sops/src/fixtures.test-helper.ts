/**
 * The real SOPS + age fixtures in shared/fixtures/sops/ (see its README.md). The repository's
 * clone sits beside `shared/` (CI and developers alike), so the folder is found by walking up
 * from this file; `SOPS_FIXTURES` overrides it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAgeIdentities } from './age-identities.js';

function findFixtures(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures', 'sops');
    if (existsSync(join(candidate, 'keys.txt'))) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/fixtures/sops not found beside the repository; set SOPS_FIXTURES');
  }
}

export const FIXTURES_DIR = process.env['SOPS_FIXTURES'] ?? findFixtures();

export const readFixture = (name: string): string => readFileSync(join(FIXTURES_DIR, name), 'utf8');

/** The two identities of keys.txt; either alone opens every fixture. */
export const fixtureIdentities = (): string[] => readAgeIdentities(readFixture('keys.txt'));

/** keys.txt's first recipient, used by the tests' own SOPS writer. */
export const FIXTURE_RECIPIENT = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw';

/** The plaintexts documented in the fixtures' README. */
export const EXPECTED = {
  'example.json': {
    firstName: 'John',
    lastName: 'Smith',
    age: 25.4,
    address: { city: 'New York', postalCode: '10021-3100', state: 'NY', streetAddress: '21 2nd Street' },
    phoneNumbers: [
      { number: '212 555-1234', type: 'home' },
      { number: '646 555-4567', type: 'office' },
    ],
    anEmptyValue: '',
  },
  'example.yaml': {
    myapp1: 't00m4nys3cr3tzupdated',
    app2: {
      db: { user: 'eve', password: 'c4r1b0u' },
      key: '-----BEGIN RSA PRIVATE KEY-----\nMIIBPAIBAAJBAPTMNIyHuZtpLYc7VsHQtwOkWYobkUblmHWRmbXzlAX6K8tMf3Wf\nImcbNkqAKnELzFAPSBeEMhrBN0PyOC9lYlMCAwEAAQJBALXD4sjuBn1E7Y9aGiMz\nbJEBuZJ4wbhYxomVoQKfaCu+kH80uLFZKoSz85/ySauWE8LgZcMLIBoiXNhDKfQL\nvHECIQD6tCG9NMFWor69kgbX8vK5Y+QL+kRq+9HK6yZ9a+hsLQIhAPn4Ie6HGTjw\nfHSTXWZpGSan7NwTkIu4U5q2SlLjcZh/AiEA78NYRRBwGwAYNUqzutGBqyXKUl4u\nErb0xAEyVV7e8J0CIQC8VBY8f8yg+Y7Kxbw4zDYGyb3KkXL10YorpeuZR4LuQQIg\nbKGPkMM4w5blyE1tqGN0T7sJwEx+EUOgacRNqM2ljVA=\n-----END RSA PRIVATE KEY-----\n',
    },
    number: 1234568000,
    an_array: ['secretuser1', 'secretuser2', 'somelongvalueAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'some other value'],
    somebooleans: [true, false],
    this: { is: { a: { nested: { value: 'with something secret in it' } } } },
    somelist_unencrypted: ['all elements of this list', 'remain in clear text', 'because of the _encrypted suffix in the key'],
    nested_unencrypted: { this: { is: { all: 'going to remain in clear text' } } },
  },
  'example.ini': {
    name: { firstName: 'John', lastName: 'Smith', age: '25.4' },
    address: { city: 'New York', postalCode: '10021-3100', state: 'NY', streetAddress: '21 2nd Street' },
    phoneNumbers: { home: '212 555-1234', office: '646 555-4567' },
    'not private': { notsecret_unencrypted: 'hi there!' },
  },
  'example.txt': {
    data: "Welcome to SOPS!\n\nSOPS is a manager of encrypted files designed to help distribute secrets.\nCheck it out, it's on github: https://github.com/mozilla/sops\n\n",
  },
} as const;

/** Replaces the first occurrence of `find` (which must exist) in `text`. */
export function replaceOnce(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  if (at === -1) throw new Error(`test setup: \`${find}\` not found`);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}
