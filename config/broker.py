"""The broker `make run` uses, with no server: Kombu's filesystem transport, each message written
whole before it appears in the queue folder.

Kombu's own writer creates the message file and then fills it. A worker listing the folder in
between takes the empty file, cannot decode it and stops ("Unrecoverable error:
JSONDecodeError"), and the message is lost. Here the message is written under a name the reader
ignores and renamed into place in one step (atomic within a file system).
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"  # Kombu's naming: oldest first
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")  # not "<id>.<queue>.msg": unread
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class FilesystemTransport(filesystem.Transport):
    Channel = Channel

    @property
    def default_connection_params(self):
        # A folder has no host: without this Kombu warns "No hostname was supplied" at every connection.
        return {**super().default_connection_params, "hostname": None}
