"""The work-order API: orders, one action path per transition, and the queues."""

from ninja import Router

from . import actions, orders, queues

router = Router()
router.add_router("", orders.router)
router.add_router("", actions.router)
router.add_router("", queues.router)
