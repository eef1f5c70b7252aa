"""The filesystem broker of `make run`: a message appears in the queue folder only once whole.

Kombu's own writer creates the file and then fills it; a worker listing the folder in between
took an empty message, failed to decode it and stopped ("Unrecoverable error: JSONDecodeError").
"""

import threading
from queue import Empty

from kombu import Connection

from config.broker import FilesystemTransport

PAYLOAD = {"body": "x" * 2_000_000}  # large, so that writing one takes a while


def _connection(folder, transport):
    queue = folder / "queue"
    queue.mkdir(exist_ok=True)
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue), "store_processed": False,
               "control_folder": str(folder)}  # fmt: skip
    return Connection("filesystem://", transport=transport, transport_options=options)


def test_a_reader_never_takes_a_message_still_being_written(tmp_path):
    sent = 40
    with (
        _connection(tmp_path, FilesystemTransport) as writer_connection,
        _connection(tmp_path, FilesystemTransport) as reader_connection,
    ):
        writer, reader = writer_connection.default_channel, reader_connection.default_channel
        writing = threading.Thread(target=lambda: [writer._put("celery", PAYLOAD) for _ in range(sent)])
        writing.start()
        received = 0
        while received < sent:
            try:
                message = reader._get("celery")
            except Empty:
                continue
            assert message == PAYLOAD
            received += 1
        writing.join()
    assert received == sent
