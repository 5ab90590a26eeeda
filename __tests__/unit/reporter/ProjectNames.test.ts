import {describe, expect, test} from '@jest/globals';
import * as path from 'path';
import {ProjectNames} from '../../../src/reporter/ProjectNames';

const ROOT = path.resolve('/work/project');

describe('ProjectNames', () => {
  const config = (id: string, rootDir: string, displayName?: string) => ({id, rootDir, displayName: displayName === undefined ? undefined : {name: displayName, color: 'white' as const}});

  test('a single project has no name; projects sharing a rootDir are named in ids, others are not', () => {
    expect(new ProjectNames({rootDir: ROOT, projects: []}).of(config('a', ROOT))).toEqual({name: null, inIds: false});
    const names = new ProjectNames({
      rootDir: ROOT,
      projects: [
        {displayName: 'api', rootDir: '<rootDir>/packages/api'},
        {displayName: 'dom', rootDir: '<rootDir>/shared'},
        {rootDir: '<rootDir>/shared'},
      ] as never,
    });
    expect(names.of(config('1', path.join(ROOT, 'packages/api'), 'api'))).toEqual({name: 'api', inIds: false});
    expect(names.of(config('2', path.join(ROOT, 'shared'), 'dom'))).toEqual({name: 'dom', inIds: true});
    expect(names.of(config('3', path.join(ROOT, 'shared')))).toEqual({name: 'project 3', inIds: true});
  });
});
