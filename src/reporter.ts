/** `reporters: [['jest-perf-monitor/reporter', options]]`: the same reporter as the package's default export. */
import PerfMonitorReporter from './reporter/PerfMonitorReporter';

export = PerfMonitorReporter;
