import { describe, expect, it } from 'vitest';
import { serviceUnit, unitWord } from '../src/cli/systemd-units.js';

describe('unit file words (systemd.service: ExecStart quoting, specifiers and variables)', () => {
  it('a $ is written $$ (systemd would substitute a variable), % is %%, a backslash doubled', () => {
    expect(unitWord('/opt/$HOME/bin/kubetile')).toBe('/opt/$$HOME/bin/kubetile');
    expect(unitWord('/opt/100%/kubetile')).toBe('/opt/100%%/kubetile');
    expect(unitWord('C:\\kubetile')).toBe('C:\\\\kubetile');
  });

  it('a word with a blank or a quote is quoted, its quotes escaped', () => {
    expect(unitWord('/home/me/my tools/kubetile')).toBe('"/home/me/my tools/kubetile"');
    expect(unitWord('/home/me/it"s/kubetile')).toBe('"/home/me/it\\"s/kubetile"');
  });

  it('the service runs the command as written, and its PATH is the one given', () => {
    const unit = serviceUnit(['/opt/$x/kubetile'], "/usr/bin:/opt/$&'/bin");
    expect(unit).toContain('ExecStart=/opt/$$x/kubetile');
    expect(unit).toContain("PATH=/usr/bin:/opt/$&'/bin");
  });
});
