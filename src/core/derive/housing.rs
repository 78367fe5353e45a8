//! Share of target persons in decentralised housing, municipality and district (Tab. 17/18).
