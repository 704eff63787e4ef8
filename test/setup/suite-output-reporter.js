// Jest's default reporter, made quiet: a suite's console output and service logs go to
// artifacts/suites/<suite>.{console,log}; they are printed only when the suite failed.
const { appendFileSync, existsSync, mkdirSync, readFileSync } = require('node:fs');
const { basename, resolve } = require('node:path');
const { DefaultReporter } = require('@jest/reporters');

const SUITES = resolve(__dirname, '../../artifacts/suites');
const TAIL_LINES = 80;

class SuiteOutputReporter extends DefaultReporter {
  onTestResult(test, result, aggregatedResults) {
    const suite = basename(result.testFilePath);
    const failed = result.numFailingTests > 0 || Boolean(result.testExecError);
    if (result.console?.length) {
      mkdirSync(SUITES, { recursive: true });
      appendFileSync(
        resolve(SUITES, `${suite}.console`),
        result.console.map((entry) => `[${entry.type}] ${entry.message}\n`).join(''),
      );
    }
    if (!failed) {
      result.console = undefined;
    }
    super.onTestResult(test, result, aggregatedResults);
    const logFile = resolve(SUITES, `${suite}.log`);
    if (failed && existsSync(logFile)) {
      const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
      this.log(
        `\n--- last ${Math.min(TAIL_LINES, lines.length)} of ${lines.length} log lines of ${suite} (artifacts/suites/${suite}.log) ---`,
      );
      this.log(lines.slice(-TAIL_LINES).join('\n'));
    }
  }
}

module.exports = SuiteOutputReporter;
