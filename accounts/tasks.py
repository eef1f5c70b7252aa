from celery import shared_task

from accounts import services
from config.celery import transient_retry_policy


@shared_task(runs_here_when_broker_down=True, **transient_retry_policy())
def password_reset_email_send(user_id: int, domain: str, use_https: bool) -> bool:
    return services.password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)


@shared_task(runs_here_when_broker_down=True, **transient_retry_policy())
def invitation_email_send(user_id: int) -> bool:
    return services.invitation_email_send(user_id=user_id)


@shared_task
def sessions_clear_expired() -> int:
    return services.sessions_clear_expired()


@shared_task
def api_tokens_clear_expired() -> int:
    return services.api_tokens_clear_expired()
