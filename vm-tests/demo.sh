#!/bin/sh
# The demo run inside the VM (make demo): the example policies, enforced by a real kernel.
cp /etc/lsmguard/*.ini /etc/lsmguard/policy.d/
echo 'root:$y$j9T$demo-hash:19000:0:99999:7:::' > /etc/shadow && chmod 600 /etc/shadow
cp /bin/probe /usr/sbin/nginx
echo
echo '$ lsmguard check /etc/lsmguard/policy.d'
lsmguard check /etc/lsmguard/policy.d
lsmguard run > /run/events.log 2>/run/daemon.err &
i=0; while ! grep -q '"ready"' /run/events.log 2>/dev/null && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done
echo
echo '$ lsmguard status'
lsmguard status
echo
echo "# This VM has no real nginx: /usr/sbin/nginx here is a small probe program that performs"
echo "# one operation. It runs in nginx.service's cgroup, under policy/examples/nginx.ini."
echo '$ lsmguard exec nginx -- /usr/sbin/nginx open /etc/shadow'
lsmguard exec nginx -- /usr/sbin/nginx open /etc/shadow
echo '$ lsmguard exec nginx -- /usr/sbin/nginx exec /bin/sh'
lsmguard exec nginx -- /usr/sbin/nginx exec /bin/sh
echo '$ lsmguard exec nginx -- /usr/sbin/nginx connect 192.0.2.10 443'
lsmguard exec nginx -- /usr/sbin/nginx connect 192.0.2.10 443
echo
echo '# The same operations outside any policy:'
/bin/probe open /etc/shadow; /bin/probe exec /bin/sh; /bin/probe connect 192.0.2.10 443
sleep 1
echo
echo '# The events (one JSON object per line, as `lsmguard run` prints them):'
grep -v '"event":"ready"' /run/events.log
