import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FilterError } from '../../src/filter/errors.js';
import { tokenize } from '../../src/filter/lexer.js';

const kinds = (text: string): string[] => tokenize(text).map((t) => `${t.kind}:${t.text}`);

function lexError(text: string): { message: string; column: number } {
  try {
    tokenize(text);
  } catch (e) {
    assert.ok(e instanceof FilterError);
    return { message: e.message, column: e.column };
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

describe('filter lexer', () => {
  it('reads fields, operators and values as words and punctuation', () => {
    assert.deepEqual(kinds('ip.src==172.20.0.0/16&&!vxlan'), ['word:ip.src', 'punct:==', 'word:172.20.0.0/16', 'punct:&&', 'punct:!', 'word:vxlan', 'eof:']);
    assert.deepEqual(kinds('a === b !== c != d <= e >= f < g > h ~ i ^^ j || k'), [
      'word:a',
      'punct:===',
      'word:b',
      'punct:!==',
      'word:c',
      'punct:!=',
      'word:d',
      'punct:<=',
      'word:e',
      'punct:>=',
      'word:f',
      'punct:<',
      'word:g',
      'punct:>',
      'word:h',
      'punct:~',
      'word:i',
      'punct:^^',
      'word:j',
      'punct:||',
      'word:k',
      'eof:',
    ]);
  });

  it('keeps addresses, MACs, byte strings and ranges whole', () => {
    assert.deepEqual(kinds('fd00::/8 aa:bb:cc:dd:ee:ff aa-bb-cc-dd-ee-ff aabb.ccdd.eeff 8000..8080 -1'), [
      'word:fd00::/8',
      'word:aa:bb:cc:dd:ee:ff',
      'word:aa-bb-cc-dd-ee-ff',
      'word:aabb.ccdd.eeff',
      'word:8000..8080',
      'word:-1',
      'eof:',
    ]);
  });

  it('splits the layer operator, sets and groups', () => {
    assert.deepEqual(kinds('ip.dst#-1 in {1,2} (x)#[1-2]'), [
      'word:ip.dst',
      'punct:#',
      'word:-1',
      'word:in',
      'punct:{',
      'word:1',
      'punct:,',
      'word:2',
      'punct:}',
      'punct:(',
      'word:x',
      'punct:)',
      'punct:#',
      'punct:[',
      'word:1-2',
      'punct:]',
      'eof:',
    ]);
  });

  it('records 0-based positions, and eof at the end of the text', () => {
    const t = tokenize('  ip.src ==');
    assert.deepEqual(
      t.map((x) => [x.pos, x.end]),
      [
        [2, 8],
        [9, 11],
        [11, 11],
      ],
    );
  });

  it('decodes string escapes as wireshark-filter(4) lists them', () => {
    const [s] = tokenize(String.raw`"a\"b\\c\n\t\x48EAD\110EAD\u00e9\U0001F600"`);
    assert.equal(s!.kind, 'string');
    assert.equal(s!.value, 'a"b\\c\n\tHEADHEADé😀');
    const [raw] = tokenize(String.raw`r"\d+\.\"x"`);
    assert.equal(raw!.value, String.raw`\d+\.\"x`);
  });

  it('keeps raw bytes from \\x escapes', () => {
    const [s] = tokenize(String.raw`"\xff\x00A"`);
    assert.deepEqual([...s!.bytes!], [0xff, 0x00, 0x41]);
  });

  it('reads character constants', () => {
    assert.deepEqual(
      tokenize(String.raw`'\n' 'A' '\x41' '\101'`)
        .slice(0, 4)
        .map((t) => t.code),
      [10, 65, 65, 65],
    );
  });

  it('reports lexical errors with their column', () => {
    assert.deepEqual(lexError('ip.src == "abc'), { message: 'unterminated string starting at column 11', column: 11 });
    assert.deepEqual(lexError(String.raw`x == "a\qb"`), { message: String.raw`invalid escape "\q" at column 8`, column: 8 });
    assert.deepEqual(lexError(String.raw`x == "\x"`), { message: String.raw`invalid escape "\x"" at column 7`, column: 7 });
    assert.deepEqual(lexError('frame.len > 10 $ 3'), { message: 'unexpected character "$" at column 16', column: 16 });
    assert.deepEqual(lexError("x == 'ab'"), { message: "invalid character constant 'ab' at column 6", column: 6 });
  });
});
