"""Django's Redis cache, keeping one client per connection pool.

Django's client builds a new `redis.Redis` for every operation, and building one (its table of
response callbacks) costs more than the round trip itself; a page makes a dozen cache operations.
`redis.Redis` is safe to share between threads: the pool hands each command its own connection.
"""

from django.core.cache.backends import redis as django_redis


class _ClientPerPool(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
