#!/usr/bin/env python3
# test-check-manifest.py: proves that check-manifest.py catches each kind of manifest mistake.
#
# Each case copies one of the real manifests, breaks one thing and expects check() to name it;
# the real manifests themselves must pass. TAP output, one line per case.
#
# Copyright 2026 The Tulbur authors
# SPDX-License-Identifier: GPL-3.0-or-later

import copy
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RELEASE = os.path.join(HERE, 'io.github.tulbur.Tulbur.json')
DEVEL = os.path.join(HERE, 'io.github.tulbur.Tulbur.Devel.json')

spec = importlib.util.spec_from_file_location('check_manifest', os.path.join(HERE, 'check-manifest.py'))
cm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cm)


def load(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def app(m):
    return m['modules'][-1]


def qrencode(m):
    return next(mod for mod in m['modules'] if mod['name'] == 'libqrencode')


def release_dir_source(m):
    app(m)['sources'] = [{'type': 'dir', 'path': '..'}]


def release_no_commit(m):
    del app(m)['sources'][0]['commit']


def release_no_tag(m):
    del app(m)['sources'][0]['tag']


def release_unknown_commit(m):
    app(m)['sources'][0]['commit'] = '0' * 40


def release_branch(m):
    app(m)['sources'][0]['branch'] = 'main'


def release_archive_no_sha(m):
    app(m)['sources'] = [{'type': 'archive', 'url': 'https://example.org/tulbur-0.1.0.tar.xz'}]


def qrencode_no_sha(m):
    del qrencode(m)['sources'][0]['sha256']


def qrencode_missing(m):
    m['modules'] = [mod for mod in m['modules'] if mod['name'] != 'libqrencode']


def extra_finish_arg(m):
    m['finish-args'].append('--filesystem=home')


def old_runtime(m):
    m['runtime-version'] = '47'


def werror(m):
    app(m)['config-opts'].append('-Dwerror=true')


def release_is_devel(m):
    app(m)['config-opts'].append('-Ddevelopment=true')


def devel_no_development(m):
    app(m)['config-opts'] = []


def devel_git_source(m):
    app(m)['sources'] = [{'type': 'git', 'url': 'https://github.com/tulbur/tulbur.git',
                          'commit': '0' * 40}]


def devel_other_runtime(m):
    m['runtime-version'] = '52'


def devel_release_id(m):
    m['id'] = 'io.github.tulbur.Tulbur'


CASES = [
    ('release', release_dir_source, 'never builds a "dir"'),
    ('release', release_no_commit, 'full "commit"'),
    ('release', release_no_tag, 'release "tag"'),
    ('release', release_branch, 'must not follow a branch'),
    ('release', release_unknown_commit, 'not a commit of this repository'),
    ('release', release_archive_no_sha, 'sha256'),
    ('release', qrencode_no_sha, 'sha256'),
    ('release', qrencode_missing, 'libqrencode must be built'),
    ('release', extra_finish_arg, 'finish-args must be exactly'),
    ('release', old_runtime, 'not a supported GNOME runtime'),
    ('release', werror, '-Dwerror=true'),
    ('release', release_is_devel, 'must not be the development flavour'),
    ('devel', devel_no_development, '-Ddevelopment=true'),
    ('devel', devel_git_source, 'one local "dir" source'),
    ('devel', devel_other_runtime, "the release's runtime-version"),
    ('devel', devel_release_id, 'expected "io.github.tulbur.Tulbur.Devel"'),
    ('devel', extra_finish_arg, 'finish-args must be exactly'),
]


def run_case(tmp, kind, breaker, expected):
    manifest = copy.deepcopy(load(RELEASE if kind == 'release' else DEVEL))
    breaker(manifest)
    # A devel manifest's dir source is relative to the manifest: keep the copy in flatpak/'s
    # place by pointing it at the project root explicitly.
    for source in app(manifest).get('sources', []):
        if source.get('type') == 'dir':
            source['path'] = ROOT
    path = os.path.join(tmp, f'{kind}.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(manifest, f)
    app_id = 'io.github.tulbur.Tulbur' + ('' if kind == 'release' else '.Devel')
    errors = cm.check(path, kind, app_id, ROOT, RELEASE)
    return any(expected in e for e in errors), errors


def git(cwd, *args):
    subprocess.run(['git', '-C', cwd, *args], check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@example.org',
                            GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@example.org'))


def tag_mismatch(tmp):
    """A tag that exists in the checkout but points elsewhere than the pinned commit."""
    repo = os.path.join(tmp, 'repo')
    os.mkdir(repo)
    git(repo, 'init', '-q')
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'one')
    first = subprocess.run(['git', '-C', repo, 'rev-parse', 'HEAD'], capture_output=True,
                           text=True, check=True).stdout.strip()
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'two')
    git(repo, 'tag', 'v0.1.0')
    errors = []
    cm.check_git_pin({'tag': 'v0.1.0', 'commit': first}, repo, errors)
    return any('tag v0.1.0 is' in e for e in errors), errors


def main():
    total = 2 + len(CASES) + 1
    print(f'1..{total}')
    n = 0
    failed = False
    for kind, path in (('release', RELEASE), ('devel', DEVEL)):
        n += 1
        errors = cm.check(path, kind, 'io.github.tulbur.Tulbur' + ('' if kind == 'release'
                                                                 else '.Devel'), ROOT, RELEASE)
        print(f'{"not ok" if errors else "ok"} {n} /tulbur/flatpak/manifest/{kind}-passes')
        for e in errors:
            print(f'# {e}')
        failed = failed or bool(errors)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, breaker, expected in CASES:
            n += 1
            caught, errors = run_case(tmp, kind, breaker, expected)
            name = breaker.__name__.replace('_', '-')
            print(f'{"ok" if caught else "not ok"} {n} /tulbur/flatpak/manifest/{kind}/{name}')
            if not caught:
                failed = True
                print(f'# expected "{expected}", got {errors}')
        n += 1
        caught, errors = tag_mismatch(tmp)
        print(f'{"ok" if caught else "not ok"} {n} /tulbur/flatpak/manifest/release/tag-mismatch')
        failed = failed or not caught
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
