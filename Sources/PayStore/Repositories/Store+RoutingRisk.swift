extension Store {
    public var routes: RouteRepository { RouteRepository(db: db) }
    public var breakers: BreakerRepository { BreakerRepository(db: db) }
    public var riskRules: RiskRuleRepository { RiskRuleRepository(db: db) }
    public var riskLists: RiskListRepository { RiskListRepository(db: db) }
    public var challenges: ChallengeRepository { ChallengeRepository(db: db) }
    public var paymentHistory: PaymentHistoryRepository { PaymentHistoryRepository(db: db) }
    public var versions: StoreVersionRepository { StoreVersionRepository(db: db) }
}
