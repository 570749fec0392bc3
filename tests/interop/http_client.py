#!/usr/bin/env python3
"""Interop tests for netkit's HTTP client (netkit/http/client.hpp) through the twins of seed 000's
urllib programs, s000_urlretrieve and s000_urlopen_about, against real servers on loopback.

    python3's http.server  a directory with an empty file, a 1-byte file, 1 MiB of random bytes
                           and a name with spaces: the C++ and the Python s000_urlretrieve
                           fetch each; both files must equal the original byte for byte. Then a
                           404 and a closed port: same exit status, same last stderr line
                           (urllib.error.HTTPError: HTTP Error 404: File not found, ...).
    s001_http_server.py    (the seed's raw server: "HTTP/1.1 200  OK", no Content-Length, body
                           until close) serving a page with an about link, and one without:
                           both s000_urlopen_about print the same (b'/about/') or fail the same.
    nginx                  when /usr/sbin/nginx exists: the same files through nginx (started
                           here, not as a daemon, on a free port with a generated configuration
                           under a temporary prefix); skipped with a note otherwise.

The server for python3 -m http.server is a small wrapper that binds port 0 and prints the port.

Usage: http_client.py --examples DIR --seeds DIR [--app PATH]
Exit status: 0 pass, 1 fail, 77 skipped (programs missing).
"""

import os
import shutil
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

TWINS = ('s000_urlretrieve', 's000_urlopen_about')
SEEDS = TWINS + ('s001_http_server',)
NGINX = '/usr/sbin/nginx'

FILES = {
    'empty.bin': b'',
    'one.bin': b'x',
    'random.bin': os.urandom(1 << 20),
    'name with spaces.txt': 'über, with spaces\n'.encode() * 100,
}

ABOUT_PAGE = ('<html><body>\n<a href="/doc/">Docs</a>\n'
              '<A HREF="/about/" class="tier-1 element-1">About</a>\n</body></html>\n')
NO_ABOUT_PAGE = '<html><body><a href="/x">nothing here</a></body></html>\n'


def compare_retrievals(check, programs, tmp, label, base_url):
    """Both twins fetch every file of FILES from base_url; each copy must equal the original."""
    for name, content in FILES.items():
        url = base_url + urllib.parse.quote(name)
        for impl in ('py', 'cpp'):
            out = os.path.join(tmp, '%s-%s-%s' % (label, impl, name))
            result = _common.run(programs.cmd(impl, 's000_urlretrieve', url, out))
            if not check.true('%s: %s s000_urlretrieve %r exits 0' % (label, impl, name),
                              result.returncode == 0, result.stderr):
                continue
            with open(out, 'rb') as f:
                got = f.read()
            check.true('%s: %s copy of %r is byte for byte the file (%d bytes)' % (
                label, impl, name, len(content)), got == content,
                'got %d bytes' % len(got))


def compare_failures(check, programs, label, url):
    """Both twins fail on url the same way: exit status and last stderr line."""
    tmp_out = os.path.join(tempfile.gettempdir(), 'netkit-http-client-never-written')
    runs = {impl: _common.run(programs.cmd(impl, 's000_urlretrieve', url, tmp_out))
            for impl in ('py', 'cpp')}
    check.equal('%s: last stderr line' % label, runs['py'].last_stderr_line() + '\n',
                runs['cpp'].last_stderr_line() + '\n')
    check.true('%s: same exit status (%r)' % (label, runs['py'].returncode),
               runs['py'].returncode == runs['cpp'].returncode,
               'python %r, c++ %r' % (runs['py'].returncode, runs['cpp'].returncode))


def test_http_server(check, programs, tmp):
    root = os.path.join(tmp, 'www')
    os.mkdir(root)
    for name, content in FILES.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(content)
    with open(os.path.join(root, 'index.html'), 'w') as f:
        f.write(ABOUT_PAGE)
    server, port = _common.start_python_http_server(root)
    with server:
        base = 'http://127.0.0.1:%d/' % port
        compare_retrievals(check, programs, tmp, 'http.server', base)
        compare_failures(check, programs, 'http.server 404', base + 'missing')
        runs = {impl: _common.run(programs.cmd(impl, 's000_urlopen_about', base))
                for impl in ('py', 'cpp')}
        check.equal('http.server: s000_urlopen_about output', runs['py'].stdout,
                    runs['cpp'].stdout)
        server.stop()
    compare_failures(check, programs, 'closed port', 'http://127.0.0.1:%d/' % _common.free_port())


def urlopen_about_against(check, programs, tmp, server_impl, page_name, page):
    """Both s000_urlopen_about twins against the seed's server (server_impl 'py' or 'cpp')
    serving `page`: same stdout, same exit status, same last stderr line."""
    page_path = os.path.join(tmp, page_name)
    with open(page_path, 'w') as f:
        f.write(page)
    label = '%s s001_http_server, %s' % (server_impl, page_name)
    try:
        server, port = _common.start_server(
            lambda p: programs.cmd(server_impl, 's001_http_server', '127.0.0.1', p, page_path),
            lambda line: line.startswith('Listen the port'))
    except RuntimeError as e:
        check.fail(label + ': server starts', str(e))
        return
    with server:
        runs = {}
        for impl in ('py', 'cpp'):
            runs[impl] = _common.run(programs.cmd(impl, 's000_urlopen_about',
                                                  'http://127.0.0.1:%d/' % port))
        server.stop()
    check.equal(label + ': stdout', runs['py'].stdout, runs['cpp'].stdout)
    check.equal(label + ': last stderr line', runs['py'].last_stderr_line() + '\n',
                runs['cpp'].last_stderr_line() + '\n')
    check.true(label + ': same exit status (%r)' % runs['py'].returncode,
               runs['py'].returncode == runs['cpp'].returncode,
               'python %r, c++ %r' % (runs['py'].returncode, runs['cpp'].returncode))


def test_seed_server(check, programs, tmp):
    impls = ['py']
    if os.access(os.path.join(programs.examples, 's001_http_server'), os.X_OK):
        impls.append('cpp')
    for server_impl in impls:
        urlopen_about_against(check, programs, tmp, server_impl, 'about.html', ABOUT_PAGE)
        urlopen_about_against(check, programs, tmp, server_impl, 'no_about.html', NO_ABOUT_PAGE)


NGINX_CONF = '''
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
'''


def test_nginx(check, programs, tmp):
    if not os.access(NGINX, os.X_OK):
        print('note: %s is not installed; the nginx part is skipped' % NGINX, flush=True)
        return
    prefix = os.path.join(tmp, 'nginx')
    root = os.path.join(prefix, 'www')
    os.makedirs(root)
    for name, content in FILES.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(content)
    for attempt in range(5):
        port = _common.free_port()
        conf = os.path.join(prefix, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write(NGINX_CONF.format(prefix=prefix, port=port, root=root))
        server = _common.Server([NGINX, '-p', prefix, '-c', conf,
                                 '-e', os.path.join(prefix, 'error.log')])
        if _common.wait_listening(server.proc, port):
            break
        result = server.stop()
        server.__exit__(None, None, None)
        log = ''
        if os.path.exists(os.path.join(prefix, 'error.log')):
            with open(os.path.join(prefix, 'error.log')) as f:
                log = f.read()
        if 'Address already in use' not in result.stderr + log:
            print('note: nginx could not start; the nginx part is skipped:\n%s%s' % (
                result.stderr, log), flush=True)
            return
    else:
        print('note: nginx found no free port; the nginx part is skipped', flush=True)
        return
    with server:
        base = 'http://127.0.0.1:%d/' % port
        compare_retrievals(check, programs, tmp, 'nginx', base)
        compare_failures(check, programs, 'nginx 404', base + 'missing')
        server.stop()


def main():
    args = _common.parse_args()
    missing = _common.missing_programs(args.examples, args.seeds, TWINS, SEEDS)
    if missing:
        print('SKIP: not built or not found: %s' % ' '.join(missing), flush=True)
        return _common.SKIP
    programs = _common.Programs(args.examples, args.seeds)
    check = _common.Checker()
    tmp = tempfile.mkdtemp(prefix='netkit-http-client-')
    try:
        _common.run_tests(check, [test_http_server, test_seed_server, test_nginx], programs, tmp,
                          own_tmp=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
