import { describe, expect, it } from 'vitest';
import { extensionOf, hasTokenChars, nameSearchText, queryVariants, splitCompound, wordsOf } from '../../src-main/core/index/name-tokens.js';

describe('splitCompound', () => {
  it.each([
    ['MyHolidayVideo', ['My', 'Holiday', 'Video']],
    ['myHolidayVideo', ['my', 'Holiday', 'Video']],
    ['HTTPServerConfig', ['HTTP', 'Server', 'Config']],
    ['parseHTTP', ['parse', 'HTTP']],
    ['iPhone', ['i', 'Phone']],
    ['Holiday2024', ['Holiday', '2024']],
    ['2024Holiday', ['2024', 'Holiday']],
    ['IMG20240612', ['IMG', '20240612']],
    ['ÀbcDéf', ['Àbc', 'Déf']],
  ])('%s → %j', (word, parts) => {
    expect(splitCompound(word)).toEqual(parts);
  });

  it.each(['holiday', 'Holiday', 'HOLIDAY', '2024', 'x264', 'mp3', 'S02E05', '1080p', 'H264', 'v2', '日本語', 'Ünïcödé'])('keeps %s whole', (word) => {
    expect(splitCompound(word)).toEqual([word]);
  });
});

describe('nameSearchText', () => {
  it('splits camelCase and keeps the compound whole after the parts', () => {
    expect(nameSearchText('MyHolidayVideo_2024.mp4')).toBe('My Holiday Video 2024 mp4 MyHolidayVideo');
  });

  it('leaves separators to the tokenizer: only words come out', () => {
    expect(nameSearchText('Show.Name.S02E05.1080p.WEB-DL.mkv')).toBe('Show Name S02E05 1080p WEB DL mkv');
    expect(nameSearchText('Artist - Album - 03 - Title.flac')).toBe('Artist Album 03 Title flac');
    expect(nameSearchText('setup-app-2.4.1-x64.exe')).toBe('setup app 2 4 1 x64 exe');
    expect(nameSearchText('IMG_20240612_183012.jpg')).toBe('IMG 20240612 183012 jpg');
  });

  it('keeps letters of every script and their diacritics (the tokenizer folds them)', () => {
    expect(nameSearchText('Café del Mar – Señorita.flac')).toBe('Café del Mar Señorita flac');
    expect(nameSearchText('東京タワー.jpg')).toBe('東京タワー jpg');
  });

  it('gives no words for names without letters or digits', () => {
    expect(nameSearchText('---.___')).toBe('');
  });
});

describe('queryVariants', () => {
  it('gives the word as typed, and split when it has humps', () => {
    expect(queryVariants('holiday')).toEqual(['holiday']);
    expect(queryVariants('HolidayVideo')).toEqual(['HolidayVideo', 'Holiday Video']);
    expect(queryVariants("don't")).toEqual(['don t']);
    expect(queryVariants('MyHolidayVideo_2024')).toEqual(['MyHolidayVideo 2024', 'My Holiday Video 2024']);
    expect(queryVariants('***')).toEqual([]);
  });
});

describe('helpers', () => {
  it('wordsOf and hasTokenChars agree with the tokenizer on separators', () => {
    expect(wordsOf('a.b-c_d e(f)')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(hasTokenChars('-*^:()"')).toBe(false);
    expect(hasTokenChars('é')).toBe(true);
  });

  it('extensionOf lowercases and rejects what the ext filter cannot take', () => {
    expect(extensionOf('Movie.MKV')).toBe('mkv');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('README')).toBe('');
    expect(extensionOf('name.')).toBe('');
    expect(extensionOf('odd.ext-with-dash')).toBe('');
  });
});
