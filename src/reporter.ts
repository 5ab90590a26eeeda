/** `reporters: [['jest-perf-monitor/reporter', options]]`: the same reporter as the package's default export. */
// First: the package's load time is taken from here (docs/performance.md, "Own cost").
import {noteEntryLoaded} from './environment/ownCost';
import PerfMonitorReporter from './reporter/PerfMonitorReporter';

noteEntryLoaded();

export = PerfMonitorReporter;
