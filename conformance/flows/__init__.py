"""Stateful flows: scenarios whose steps depend on each other, one pytest item each.

Test ids look like ``customer-1.2.1::Flows::private-register-address::flow``.
``FLOWS`` lists them in the order they run; a flow may use a customer that an
earlier one registered.
"""

from __future__ import annotations

from conformance.flows.addresses import AddressLifecycleFlow
from conformance.flows.authentication import AuthenticationFlow, ExpiredTokenFlow
from conformance.flows.authorization import CrossCustomerFlow
from conformance.flows.base import Flow
from conformance.flows.execution import FLOWS_TAG, FlowEnvironment, run_flow
from conformance.flows.giftcards import GiftCardsFlow
from conformance.flows.payments import PaymentsFlow
from conformance.flows.private import PrivateRegistrationFlow
from conformance.flows.probes import PROBE_FLOWS
from conformance.flows.profile import ProfileFlow
from conformance.flows.secrets import SecretsFlow
from conformance.flows.stateful import StatefulFlow
from conformance.flows.users import BusinessRegistrationFlow, BusinessUsersFlow

FLOWS: dict[str, type[Flow]] = {
    flow.name: flow
    for flow in (
        PrivateRegistrationFlow,
        AddressLifecycleFlow,
        BusinessRegistrationFlow,
        BusinessUsersFlow,
        PaymentsFlow,
        GiftCardsFlow,
        ProfileFlow,
        AuthenticationFlow,
        ExpiredTokenFlow,
        CrossCustomerFlow,
        SecretsFlow,
        StatefulFlow,
        *PROBE_FLOWS,
    )
}

__all__ = ["FLOWS", "FLOWS_TAG", "Flow", "FlowEnvironment", "run_flow"]
